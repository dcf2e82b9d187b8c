/* store_int.h: the backends' tables, shared inside src/store only. */
#ifndef DD_STORE_INT_H
#define DD_STORE_INT_H

#include "store/store.h"

extern const struct dd_store_ops dd_store_sqlite_ops;

#endif
