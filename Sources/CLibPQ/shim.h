#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
/* libpq, PostgreSQL's C client (Debian: libpq-dev; pkg-config: libpq). Only Storage imports it. */
#include <libpq-fe.h>
#endif
