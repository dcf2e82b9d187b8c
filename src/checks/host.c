/* host.c: a host name examined in the zone that holds it (the evidence's
 * host section): whether the name itself exists and has an address. The
 * zone's own delegation is judged by the other families as for any domain. */
#include "checks/chk_int.h"

void chk_host(struct chk_ctx *c)
{
	const struct dd_ev_host *h = &c->ev->host;
	const struct dd_ev_resolution *r = &h->resolution;
	struct chk_ids ids = { 0 };

	if (!h->present || !h->name)
		return;
	for (size_t i = 0; i < h->ncut; i++)
		chk_ids_add(c, &ids, h->cut[i]);
	switch (r->state) {
	case DD_EV_R_NXDOMAIN:
		chk_add(c, C_HOST_NXDOMAIN, &ids, "%s does not exist in the zone %s (NXDOMAIN)",
			h->name, c->ev->domain);
		break;
	case DD_EV_R_NODATA:
		if (!c->facts->one_family) /* one family looked up: not observed */
			chk_add(c, C_HOST_NO_ADDRESS, &ids,
				"%s exists in the zone %s but has no A or AAAA record", h->name,
				c->ev->domain);
		break;
	case DD_EV_R_FAILED:
		if (c->facts->c_good > 0 && !c->facts->one_family)
			chk_add(c, C_HOST_LOOKUP_FAILED, &ids,
				"the address look-up of %s failed although the servers of %s answer: %s",
				h->name, c->ev->domain, r->message ? r->message : "no reason given");
		break;
	default:
		break;
	}
	chk_ids_free(&ids);
}
