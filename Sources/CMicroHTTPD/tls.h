#ifndef CMICROHTTPD_TLS_H
#define CMICROHTTPD_TLS_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* TLS for the daemon through libmicrohttpd's GnuTLS: the options a TLS daemon is started with, and the
 * client-certificate policy of exporter-toolkit's client_auth_type applied to each connection's session. */

/* Go's crypto/tls.ClientAuthType values, which exporter-toolkit's client_auth_type names. */
enum hb_client_auth {
    HB_NO_CLIENT_CERT = 0,
    HB_REQUEST_CLIENT_CERT = 1,
    HB_REQUIRE_ANY_CLIENT_CERT = 2,
    HB_VERIFY_CLIENT_CERT_IF_GIVEN = 3,
    HB_REQUIRE_AND_VERIFY_CLIENT_CERT = 4
};

/* What a TLS daemon is started with. The strings are NUL-terminated PEM and must outlive the daemon;
 * trust_pem is NULL without client_ca_file. `items` is filled by hb_tls_option_items. */
struct hb_tls_options {
    const char *cert_pem;
    const char *key_pem;
    const char *trust_pem;
    const char *priorities;
    struct MHD_OptionItem items[5];
};

/* The session-level verification of a client certificate: a certificate that was sent must chain to
 * client_ca_file and allow client authentication (as Go's x509 verification with ExtKeyUsageClientAuth);
 * none sent passes here, the request mode decides whether one is required. 0 continues the handshake,
 * anything else fails it. */
static inline int hb_tls_verify_client(gnutls_session_t session) {
    unsigned int count = 0;
    if (gnutls_certificate_get_peers(session, &count) == NULL || count == 0) return 0;
    gnutls_typed_vdata_st purpose;
    purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
    purpose.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT;
    purpose.size = 0;
    unsigned int status = 0;
    if (gnutls_certificate_verify_peers(session, &purpose, 1, &status) < 0) return -1;
    return status == 0 ? 0 : -1;
}

/* Sets a new connection's request mode and verification before its handshake starts, from `client_auth` (an
 * hb_client_auth value). Called from the daemon's connection-notification callback (MHD_CONNECTION_NOTIFY_STARTED),
 * which the HTTP module owns, since a daemon has only one. Does nothing on a connection without TLS. */
static inline void hb_tls_apply_client_auth(struct MHD_Connection *connection, int client_auth) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (info == NULL || info->tls_session == NULL) return;
    gnutls_session_t session = (gnutls_session_t)info->tls_session;
    switch (client_auth) {
    case HB_REQUEST_CLIENT_CERT:
        gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST);
        break;
    case HB_REQUIRE_ANY_CLIENT_CERT:
        gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
        break;
    case HB_VERIFY_CLIENT_CERT_IF_GIVEN:
        gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUEST);
        gnutls_session_set_verify_function(session, hb_tls_verify_client);
        break;
    case HB_REQUIRE_AND_VERIFY_CLIENT_CERT:
        gnutls_certificate_server_set_request(session, GNUTLS_CERT_REQUIRE);
        gnutls_session_set_verify_function(session, hb_tls_verify_client);
        break;
    default:
        gnutls_certificate_server_set_request(session, GNUTLS_CERT_IGNORE);
        break;
    }
}

/* Fills and returns the option list (ending with MHD_OPTION_END) that makes a daemon serve TLS. */
static inline const struct MHD_OptionItem *hb_tls_option_items(struct hb_tls_options *options) {
    int n = 0;
    options->items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)options->cert_pem};
    options->items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)options->key_pem};
    options->items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)options->priorities};
    if (options->trust_pem != NULL)
        options->items[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)options->trust_pem};
    options->items[n] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    return options->items;
}

/* Checks what a TLS daemon would load: the key pair matches, the trust list (when given) holds a certificate,
 * the priority string parses. Returns 0, or writes GnuTLS' reason into `error` and returns -1. */
static inline int hb_tls_check(
    const char *cert_pem, const char *key_pem, const char *trust_pem, const char *priorities, char *error,
    size_t error_size) {
    gnutls_certificate_credentials_t credentials;
    if (gnutls_certificate_allocate_credentials(&credentials) < 0) {
        snprintf(error, error_size, "cannot allocate TLS credentials");
        return -1;
    }
    int result = 0;
    gnutls_datum_t cert = {(unsigned char *)cert_pem, (unsigned int)strlen(cert_pem)};
    gnutls_datum_t key = {(unsigned char *)key_pem, (unsigned int)strlen(key_pem)};
    int status = gnutls_certificate_set_x509_key_mem(credentials, &cert, &key, GNUTLS_X509_FMT_PEM);
    if (status < 0) {
        snprintf(error, error_size, "cert_file/key_file: %s", gnutls_strerror(status));
        result = -1;
    }
    if (result == 0 && trust_pem != NULL) {
        gnutls_datum_t trust = {(unsigned char *)trust_pem, (unsigned int)strlen(trust_pem)};
        status = gnutls_certificate_set_x509_trust_mem(credentials, &trust, GNUTLS_X509_FMT_PEM);
        if (status <= 0) {
            snprintf(error, error_size, "client_ca_file: %s",
                status == 0 ? "no PEM certificate found" : gnutls_strerror(status));
            result = -1;
        }
    }
    gnutls_certificate_free_credentials(credentials);
    if (result == 0) {
        gnutls_priority_t cache;
        const char *where = NULL;
        status = gnutls_priority_init(&cache, priorities, &where);
        if (status < 0) {
            snprintf(error, error_size, "TLS priorities \"%s\": %s", priorities, gnutls_strerror(status));
            result = -1;
        } else {
            gnutls_priority_deinit(cache);
        }
    }
    return result;
}

#endif
