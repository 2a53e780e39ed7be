/* The ceiling for heartbeat-exporter's HTTP transport: a bare libmicrohttpd server with the
 * same daemon flags as Sources/HTTP (internal polling thread, epoll, a thread pool of one
 * thread per core, 127.0.0.1, keep-alive), answering 200 "ok" to every request after reading
 * its body.  Usage: limit PORT */
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

static struct MHD_Response *ok_response;

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    static int marker;
    if (*con_cls == NULL) {           /* headers only: ask for the body, keep the connection */
        *con_cls = &marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {     /* a body chunk: consume it */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(connection, MHD_HTTP_OK, ok_response);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[1]));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* Block the stop signals before any thread starts, so sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    ok_response = MHD_create_response_from_buffer(2, "ok", MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(ok_response, "Content-Type", "text/plain");
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        0, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cores > 0 ? cores : 1),
        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "limit: cannot start on 127.0.0.1:%s\n", argv[1]);
        return 1;
    }
    int received;
    sigwait(&stop, &received);
    MHD_stop_daemon(daemon);
    MHD_destroy_response(ok_response);
    return 0;
}
