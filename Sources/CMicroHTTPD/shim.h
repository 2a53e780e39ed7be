#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <microhttpd.h>

/* Variadic libmicrohttpd functions cannot be called from Swift; these
 * fixed-argument wrappers are the only way the HTTP module reaches them. */

/* Leaves the URL path and query arguments as sent, so the Swift side can
 * split the path on '/' before percent-decoding each segment. */
static inline size_t hb_mhd_keep_escaped(void *cls, struct MHD_Connection *connection, char *s) {
    (void)cls;
    (void)connection;
    return strlen(s);
}

/* Where libmicrohttpd's own messages go (a TLS handshake that failed, a request it refused, a daemon that
 * could not start): `callback` gets each message formatted, with `cls`. */
typedef void (*hb_mhd_log_callback)(void *cls, const char *message);
struct hb_mhd_log_sink {
    hb_mhd_log_callback callback;
    void *cls;
};

/* libmicrohttpd's logger signature is variadic (va_list), which Swift cannot implement: this formats the
 * message and hands it to the sink, or to standard error when there is none. */
static inline void hb_mhd_log(void *cls, const char *format, va_list arguments) {
    const struct hb_mhd_log_sink *sink = cls;
    if (sink == NULL || sink->callback == NULL) {
        vfprintf(stderr, format, arguments);
        return;
    }
    char message[1024];
    vsnprintf(message, sizeof message, format, arguments);
    sink->callback(sink->cls, message);
}

/* An empty option list, for a daemon started without extra options. */
static const struct MHD_OptionItem hb_mhd_no_options[1] = {{MHD_OPTION_END, 0, NULL}};

/* Starts a daemon on an already bound and listening socket. A per-IP limit of 0 means none;
 * `notify_connection` is told when each connection opens and closes (before its socket is closed);
 * `log_sink` (NULL: standard error) gets libmicrohttpd's messages and must outlive the daemon;
 * `extra_options` (NULL for none) is an option list ending with MHD_OPTION_END, such as the TLS options of
 * tls.h. */
static inline struct MHD_Daemon *hb_mhd_start_daemon(
    unsigned int flags,
    MHD_socket listen_socket,
    unsigned int thread_pool_size,
    unsigned int connection_timeout_seconds,
    unsigned int connection_limit,
    unsigned int per_ip_connection_limit,
    MHD_AccessHandlerCallback access_handler,
    void *access_handler_cls,
    MHD_RequestCompletedCallback completed,
    void *completed_cls,
    MHD_NotifyConnectionCallback notify_connection,
    void *notify_connection_cls,
    const struct hb_mhd_log_sink *log_sink,
    const struct MHD_OptionItem *extra_options) {
    return MHD_start_daemon(
        flags, 0, NULL, NULL, access_handler, access_handler_cls,
        MHD_OPTION_EXTERNAL_LOGGER, hb_mhd_log, (void *)log_sink,
        MHD_OPTION_LISTEN_SOCKET, listen_socket,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip_connection_limit,
        MHD_OPTION_NOTIFY_CONNECTION, notify_connection, notify_connection_cls,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_UNESCAPE_CALLBACK, hb_mhd_keep_escaped, NULL,
        MHD_OPTION_ARRAY, extra_options == NULL ? hb_mhd_no_options : extra_options,
        MHD_OPTION_END);
}

/* The peer address of a connection, or NULL when unknown. */
static inline const struct sockaddr *hb_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}

/* The socket of a connection, or -1 when unknown. */
static inline int hb_mhd_connection_socket(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : info->connect_fd;
}

#endif
