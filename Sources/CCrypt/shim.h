#ifndef CCRYPT_SHIM_H
#define CCRYPT_SHIM_H
#include <stddef.h>
#include <string.h>
#include <crypt.h>

/* crypt(3) with a per-call buffer (crypt_rn), so concurrent calls do not share crypt()'s static one.
 * Writes the hash of `phrase` with `setting` (a bcrypt salt or a stored hash) into `out` and returns 0, or
 * returns -1 when libcrypt refuses the setting. */
static inline int hb_crypt(const char *phrase, const char *setting, char *out, size_t out_size) {
    struct crypt_data data;
    memset(&data, 0, sizeof data);
    const char *hash = crypt_rn(phrase, setting, &data, (int)sizeof data);
    if (hash == NULL || hash[0] == '*' || strlen(hash) + 1 > out_size) return -1;
    memcpy(out, hash, strlen(hash) + 1);
    return 0;
}

/* A bcrypt setting ("$2b$" + cost + 22 random salt characters) from the system's random source; 0 on success. */
static inline int hb_bcrypt_salt(unsigned long cost, char *out, size_t out_size) {
    char buffer[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *salt = crypt_gensalt_rn("$2b$", cost, NULL, 0, buffer, (int)sizeof buffer);
    if (salt == NULL || salt[0] == '*' || strlen(salt) + 1 > out_size) return -1;
    memcpy(out, salt, strlen(salt) + 1);
    return 0;
}
#endif
