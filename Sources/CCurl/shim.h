#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

/* One HTTP request through libcurl's easy interface; curl_easy_setopt is variadic, so Swift reaches it only
 * through this function. Strings are NUL-terminated; NULL leaves an option unset. */
struct hb_curl_request {
    const char *url;
    const char *method;
    const char *body;          /* NULL: no body */
    size_t body_length;
    const char *const *headers; /* "Name: value" lines */
    size_t header_count;
    long timeout_ms;
    const char *ca_file;       /* CURLOPT_CAINFO: the CA that signed the server's certificate */
    const char *cert_file;     /* CURLOPT_SSLCERT: a client certificate (PEM) */
    const char *key_file;      /* CURLOPT_SSLKEY */
    const char *user_password; /* CURLOPT_USERPWD, "user:password", sent as basic auth */
};

/* What came back: the status (0 when no reply), the body (malloc'd; free with hb_curl_reply_free) or the
 * error of a failed transfer. */
struct hb_curl_reply {
    long status;
    char *body;
    size_t body_length;
    char error[CURL_ERROR_SIZE];
};

static inline size_t hb_curl_collect(char *data, size_t size, size_t count, void *context) {
    struct hb_curl_reply *reply = (struct hb_curl_reply *)context;
    size_t length = size * count;
    char *grown = (char *)realloc(reply->body, reply->body_length + length + 1);
    if (grown == NULL) return 0;
    memcpy(grown + reply->body_length, data, length);
    reply->body = grown;
    reply->body_length += length;
    reply->body[reply->body_length] = 0;
    return length;
}

/* Performs `request`; returns CURLE_OK (0) when an HTTP reply came back, else curl's error code with the message
 * in reply->error. */
static inline int hb_curl_perform(const struct hb_curl_request *request, struct hb_curl_reply *reply) {
    memset(reply, 0, sizeof *reply);
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        strncpy(reply->error, "cannot initialise libcurl", CURL_ERROR_SIZE - 1);
        return CURLE_FAILED_INIT;
    }
    struct curl_slist *headers = NULL;
    for (size_t i = 0; i < request->header_count; i++) headers = curl_slist_append(headers, request->headers[i]);
    curl_easy_setopt(curl, CURLOPT_URL, request->url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request->method);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, reply->error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, hb_curl_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (headers != NULL) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (request->body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
    } else if (strcmp(request->method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    }
    if (request->ca_file != NULL) curl_easy_setopt(curl, CURLOPT_CAINFO, request->ca_file);
    if (request->cert_file != NULL) curl_easy_setopt(curl, CURLOPT_SSLCERT, request->cert_file);
    if (request->key_file != NULL) curl_easy_setopt(curl, CURLOPT_SSLKEY, request->key_file);
    if (request->user_password != NULL) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERPWD, request->user_password);
    }
    CURLcode result = curl_easy_perform(curl);
    if (result == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
    } else if (reply->error[0] == 0) {
        strncpy(reply->error, curl_easy_strerror(result), CURL_ERROR_SIZE - 1);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return (int)result;
}

static inline void hb_curl_reply_free(struct hb_curl_reply *reply) {
    free(reply->body);
    reply->body = NULL;
    reply->body_length = 0;
}
#endif
