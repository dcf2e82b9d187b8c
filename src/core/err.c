/* err.c: names and messages for dnsdeps error codes. */
#include <errno.h>
#include <stddef.h>

#include "core/err.h"

struct err_entry {
	int code;
	const char *name;
	const char *text;
};

static const struct err_entry err_table[] = {
	{ DD_OK, "ok", "success" },
	{ DD_ENOMEM, "nomem", "out of memory" },
	{ DD_EINVAL, "invalid", "invalid argument" },
	{ DD_ENAME, "badname", "not a valid domain name" },
	{ DD_EIO, "io", "local input/output error" },
	{ DD_ETIMEDOUT, "timeout", "no answer before the timeout" },
	{ DD_EUNREACH, "unreachable", "unreachable (network, host or port)" },
	{ DD_EMALFORMED, "malformed", "malformed data from a remote peer" },
	{ DD_ELIMIT, "limit", "a hard limit was reached" },
	{ DD_ELOOP, "loop", "loop detected" },
	{ DD_ENOTFOUND, "notfound", "not found" },
	{ DD_EPARSE, "parse", "file does not parse" },
	{ DD_ECANCELED, "canceled", "operation canceled" },
	{ DD_ERESET, "reset", "connection closed or reset by the peer" },
	{ DD_EUNSUPP, "unsupported", "not supported" },
	{ DD_EHELD, "held", "not asked: the address did not answer its last questions" },
	{ DD_EDENIED, "denied", "not asked: a destination a server supplied that is not allowed" },
	{ DD_ECONFLICT, "conflict", "another writer changed it first" },
};

static const struct err_entry *err_find(int err)
{
	for (unsigned i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

const char *dd_strerror(int err)
{
	const struct err_entry *e = err_find(err);
	return e ? e->text : "unknown error";
}

const char *dd_err_name(int err)
{
	const struct err_entry *e = err_find(err);
	return e ? e->name : "unknown";
}

int dd_err_from_errno(int errnum)
{
	switch (errnum) {
	case 0: return DD_OK;
	case ENOMEM: return DD_ENOMEM;
	case EINVAL: return DD_EINVAL;
	case ETIMEDOUT: return DD_ETIMEDOUT;
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EADDRNOTAVAIL:
	case EHOSTDOWN:
	case ENETDOWN: return DD_EUNREACH;
	case ECONNRESET:
	case EPIPE: return DD_ERESET;
	case EAFNOSUPPORT: return DD_EUNSUPP;
	case ECANCELED: return DD_ECANCELED;
	default: return DD_EIO;
	}
}
