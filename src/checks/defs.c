/* defs.c: the table of finding codes (severity, layer, meaning, the rule it
 * rests on, advice) and the names of severities, layers and statuses. The
 * same facts are in docs/findings.md; test_checks verifies the two agree. */
#include <string.h>

#include "checks/chk_int.h"

#define CRIT DD_SEV_CRITICAL
#define ERR DD_SEV_ERROR
#define WARN DD_SEV_WARNING
#define NOTE DD_SEV_NOTICE
#define INFO DD_SEV_INFO

const struct dd_chk_def dd_chk_table[C_COUNT] = {
	[C_ROOT_ALL_FAILED] = { "ROOT_ALL_FAILED", CRIT, DD_LAYER_ROOT,
		"no root server gave a usable answer",
		"RFC 1034 5.3.3, RFC 8109",
		"If every root server timed out, this machine's network (or firewall) is the likely "
		"cause: check connectivity and --root-hints. Otherwise the root is failing for "
		"everyone, and there is nothing to fix on your side." },
	[C_ROOT_SERVER_FAILED] = { "ROOT_SERVER_FAILED", NOTE, DD_LAYER_ROOT,
		"some root servers gave no usable answer; others did",
		"RFC 1034 5.3.3",
		"Nothing to do: resolvers use the other root servers. Persistent failures of one "
		"root server address from here point at a local routing problem." },
	[C_ROOT_REFERRAL_DISAGREE] = { "ROOT_REFERRAL_DISAGREE", ERR, DD_LAYER_ROOT,
		"root servers answered differently about the domain's TLD",
		"RFC 1034 4.3.2",
		"Compare the answers of the servers named; a server with a different answer may be "
		"an impostor on the path (check for DNS interception on this network)." },
	[C_REGISTRY_ALL_FAILED] = { "REGISTRY_ALL_FAILED", CRIT, DD_LAYER_REGISTRY,
		"no server of a zone above the domain (its TLD) gave a usable answer",
		"RFC 1034 4.3.2, RFC 2182",
		"Nothing to fix in your own DNS: the registry's DNS is down for every domain under "
		"it. Tell the registry (or your registrar) and wait." },
	[C_REGISTRY_SERVER_FAILED] = { "REGISTRY_SERVER_FAILED", WARN, DD_LAYER_REGISTRY,
		"some servers of a zone above the domain gave no usable answer",
		"RFC 2182 3",
		"Resolvers retry other servers, so the domain still resolves, more slowly. If it "
		"persists, report the failing servers to the registry." },
	[C_REGISTRY_REFERRAL_DISAGREE] = { "REGISTRY_REFERRAL_DISAGREE", ERR, DD_LAYER_REGISTRY,
		"servers of a zone above the domain answered differently on the way down",
		"RFC 1034 4.3.2",
		"Some resolvers are sent the wrong way. Report the disagreeing servers to the "
		"registry; right after a change this can be publication lag." },
	[C_SERVERS_NOT_ASKED] = { "SERVERS_NOT_ASKED", WARN, DD_LAYER_NONE,
		"dnsdeps could not ask the servers of a zone on the way: none has an address of the "
		"allowed family (-4 or -6)",
		"RFC 3901",
		"Nothing is known about the domain from this run: run again with both IPv4 and IPv6 "
		"allowed. Nobody is at fault for what dnsdeps did not ask." },
	[C_PARENT_UNKNOWN] = { "PARENT_UNKNOWN", CRIT, DD_LAYER_REGISTRY,
		"the walk from the root did not reach the zone above the domain",
		"RFC 1034 4.3.2",
		"Read the chain above to see where the walk stopped; check the domain name for typos." },
	[C_PARENT_ALL_FAILED] = { "PARENT_ALL_FAILED", CRIT, DD_LAYER_REGISTRY,
		"no server of the parent zone answered the delegation query",
		"RFC 1034 4.3.2, RFC 2182",
		"The registry's DNS is unreachable from here, for every domain under it: tell the "
		"registry. If its servers answer from elsewhere, check this machine's network." },
	[C_PARENT_SERVER_FAILED] = { "PARENT_SERVER_FAILED", WARN, DD_LAYER_REGISTRY,
		"some parent servers gave no usable answer to the delegation query",
		"RFC 2182 3",
		"Resolvers retry other parent servers. If it persists, report the failing servers "
		"to the registry." },
	[C_PARENT_NXDOMAIN_ALL] = { "PARENT_NXDOMAIN_ALL", CRIT, DD_LAYER_REGISTRATION,
		"every answering parent server says the domain does not exist",
		"RFC 1034 4.3.2, RFC 8020",
		"The registry no longer publishes the delegation: ask your registrar why (expired, "
		"on hold, deleted, unpaid); if they see nothing wrong, ask the registry." },
	[C_PARENT_NOT_DELEGATED] = { "PARENT_NOT_DELEGATED", CRIT, DD_LAYER_REGISTRATION,
		"no answering parent server delegates the domain (the name exists without NS)",
		"RFC 1034 4.2.2",
		"The parent zone has no NS records for the domain: have the registrar (or the parent "
		"zone's operator) add the delegation." },
	[C_PARENT_NXDOMAIN_SOME] = { "PARENT_NXDOMAIN_SOME", ERR, DD_LAYER_REGISTRY,
		"some parent servers say the domain does not exist while others delegate it",
		"RFC 1034 4.3.2, RFC 1996",
		"Minutes after a registration or change this is publication lag; otherwise a registry "
		"server is stale or broken. If it lasts more than an hour, tell the registry." },
	[C_PARENT_NODATA_SOME] = { "PARENT_NODATA_SOME", ERR, DD_LAYER_REGISTRY,
		"some parent servers have no delegation for the domain while others delegate it",
		"RFC 1034 4.3.2, RFC 1996",
		"A parent server is stale or broken; if it lasts more than an hour, tell the "
		"registry." },
	[C_PARENT_NS_DISAGREE] = { "PARENT_NS_DISAGREE", WARN, DD_LAYER_REGISTRY,
		"parent servers publish different NS sets for the domain",
		"RFC 1034 4.3.2, RFC 1996",
		"Right after an NS change this is publication lag; if it lasts, tell the registry "
		"which servers are stale." },
	[C_PARENT_GLUE_DISAGREE] = { "PARENT_GLUE_DISAGREE", WARN, DD_LAYER_REGISTRY,
		"parent servers publish different glue addresses for a nameserver",
		"RFC 1034 4.2.1, RFC 9471",
		"Right after a glue change this is publication lag; if it lasts, tell the registry "
		"which servers are stale." },
	[C_NS_PARENT_CHILD_DIFFER] = { "NS_PARENT_CHILD_DIFFER", WARN, DD_LAYER_NAMESERVERS,
		"the NS set at the parent differs from the NS set the domain's servers publish",
		"RFC 1034 4.2.2, RFC 2181 5.4.1",
		"Make them equal: update the NS records at your registrar or in your zone, whichever "
		"is out of date." },
	[C_CHILD_NS_DISAGREE] = { "CHILD_NS_DISAGREE", WARN, DD_LAYER_NAMESERVERS,
		"the domain's own servers publish different NS sets",
		"RFC 1034 4.3.5, RFC 1996",
		"Some servers serve an old copy of the zone: check zone transfers to them." },
	[C_GLUE_MISMATCH] = { "GLUE_MISMATCH", WARN, DD_LAYER_NAMESERVERS,
		"glue at the parent differs from the nameserver's authoritative addresses",
		"RFC 1034 4.2.1, RFC 9471",
		"Update the glue (host records) at your registrar to the current addresses, or the "
		"addresses in your zone, whichever is wrong." },
	[C_GLUE_MISSING] = { "GLUE_MISSING", ERR, DD_LAYER_NAMESERVERS,
		"a nameserver inside the domain has no glue at the parent",
		"RFC 1034 4.2.1, RFC 9471",
		"Register the nameserver's addresses (glue / host records) at your registrar: without "
		"them no resolver can reach it." },
	[C_NS_NAME_NXDOMAIN] = { "NS_NAME_NXDOMAIN", ERR, DD_LAYER_NAMESERVERS,
		"a nameserver name does not exist",
		"RFC 1034 4.2.2, RFC 1912 2.3",
		"Remove the name from the NS set or create it. If its domain is free to register, "
		"anyone who registers it can take over your domain: act now." },
	[C_NS_NAME_NO_ADDRESS] = { "NS_NAME_NO_ADDRESS", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver name has no usable address (no A/AAAA, or its lookup failed)",
		"RFC 1034 4.2.2",
		"Publish A/AAAA records for the name, or remove it from the NS set." },
	[C_NS_NAME_CNAME] = { "NS_NAME_CNAME", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver name is an alias (CNAME)",
		"RFC 2181 10.3, RFC 1912 2.4",
		"Put the canonical name in the NS set instead of the alias." },
	[C_DELEGATION_TTL] = { "DELEGATION_TTL", INFO, DD_LAYER_NAMESERVERS,
		"how long a change of NS records or glue takes to reach every resolver",
		"RFC 1035 3.2.1, RFC 2181 8",
		"Before moving nameservers, keep the old servers answering for at least this long." },
	[C_SERVERS_ALL_LAME] = { "SERVERS_ALL_LAME", CRIT, DD_LAYER_NAMESERVERS,
		"no address of the domain's nameservers answers authoritatively",
		"RFC 1034 4.2.2, RFC 8499 (lame delegation)",
		"Restore your nameservers (or their hosting). If you moved DNS provider, update the "
		"NS records at your registrar to the new servers." },
	[C_SERVER_TIMEOUT] = { "SERVER_TIMEOUT", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver address does not answer (timeout)",
		"RFC 2182 3, RFC 8906",
		"Check that the server runs and that port 53 over UDP and TCP is open to the world." },
	[C_SERVER_UNREACHABLE] = { "SERVER_UNREACHABLE", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver address is unreachable (port closed or no route)",
		"RFC 2182 3",
		"Check that the server runs and is routed; remove addresses that are gone." },
	[C_SERVER_REFUSED] = { "SERVER_REFUSED", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver refuses queries for the domain (lame)",
		"RFC 1034 4.2.2, RFC 8906",
		"Configure the server to serve the zone, or remove it from the NS set." },
	[C_SERVER_SERVFAIL] = { "SERVER_SERVFAIL", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver answers SERVFAIL for the domain",
		"RFC 1034 4.2.2, RFC 8906",
		"The server has the zone but cannot serve it (failed load, expired secondary): check "
		"its logs." },
	[C_SERVER_NOT_AUTHORITATIVE] = { "SERVER_NOT_AUTHORITATIVE", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver answers, but not authoritatively for the domain (lame)",
		"RFC 1034 4.2.2, RFC 8499 (lame delegation)",
		"Configure the server as authoritative for the zone, or remove it from the NS set." },
	[C_SERVER_NXDOMAIN] = { "SERVER_NXDOMAIN", ERR, DD_LAYER_NAMESERVERS,
		"a nameserver says its own zone does not exist",
		"RFC 1034 4.3.2, RFC 8020",
		"The server serves a parent or other zone instead of the domain: load the zone on it "
		"or remove it from the NS set; resolvers that ask it cache the NXDOMAIN." },
	[C_SERVER_BAD_REPLY] = { "SERVER_BAD_REPLY", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver replies with something unusable (malformed, mismatched, odd rcode)",
		"RFC 1035 4.1, RFC 8906",
		"Upgrade or fix the server software; look for middleboxes that rewrite DNS." },
	[C_SERVER_NO_TCP] = { "SERVER_NO_TCP", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver answers over UDP but not over TCP",
		"RFC 7766 5, RFC 9210",
		"Open TCP port 53 to the server; large answers and DNSSEC need it." },
	[C_SERVER_EDNS_BROKEN] = { "SERVER_EDNS_BROKEN", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver mishandles EDNS (no BADVERS for an unknown EDNS version)",
		"RFC 6891 6.1.3, RFC 8906 8",
		"Upgrade the server software or the firewall that filters EDNS." },
	[C_ZONE_SERIAL_DIFFER] = { "ZONE_SERIAL_DIFFER", WARN, DD_LAYER_NAMESERVERS,
		"the domain's servers serve different SOA serials",
		"RFC 1034 4.3.5, RFC 1996",
		"Some servers have not picked up the latest zone: check NOTIFY and zone transfers." },
	[C_HOST_NXDOMAIN] = { "HOST_NXDOMAIN", CRIT, DD_LAYER_NAMESERVERS,
		"the host name asked about does not exist in the zone that holds it",
		"RFC 1034 4.3.2, RFC 8020",
		"Add the name to the zone, or check its spelling." },
	[C_HOST_LOOKUP_FAILED] = { "HOST_LOOKUP_FAILED", ERR, DD_LAYER_NAMESERVERS,
		"the address look-up of the host name failed while the zone's servers answer",
		"RFC 1034 5.3.3",
		"Look at the name's records (a CNAME to a broken name, a delegation below it) and the "
		"message given." },
	[C_HOST_NO_ADDRESS] = { "HOST_NO_ADDRESS", WARN, DD_LAYER_NAMESERVERS,
		"the host name exists but has no A or AAAA record",
		"RFC 1034 3.6",
		"Add an A or AAAA record if the name should reach a host; a name that only holds "
		"other records (MX, TXT) is fine." },
	[C_NS_TOO_FEW] = { "NS_TOO_FEW", WARN, DD_LAYER_NAMESERVERS,
		"fewer than two nameserver names",
		"RFC 1034 4.1, RFC 2182 5",
		"Add a second nameserver, on another network." },
	[C_ADDR_TOO_FEW] = { "ADDR_TOO_FEW", WARN, DD_LAYER_NAMESERVERS,
		"fewer than two nameserver addresses",
		"RFC 2182 3",
		"Add a nameserver on another address, on another network." },
	[C_NS_SAME_ADDRESS] = { "NS_SAME_ADDRESS", ERR, DD_LAYER_NAMESERVERS,
		"two nameserver names have the same address (at the parent's glue or in their own "
		"records): one server posing as two",
		"RFC 2182 3.1, RFC 1034 4.1",
		"Give each nameserver name its own server, in another network; one server under two "
		"names fails as one." },
	[C_ADDR_ONE_PREFIX_V4] = { "ADDR_ONE_PREFIX_V4", WARN, DD_LAYER_NAMESERVERS,
		"every IPv4 nameserver address is in one /24",
		"RFC 2182 3.1",
		"Add a nameserver in another network: one routing failure takes all of them down." },
	[C_ADDR_ONE_PREFIX_V6] = { "ADDR_ONE_PREFIX_V6", WARN, DD_LAYER_NAMESERVERS,
		"every IPv6 nameserver address is in one /48",
		"RFC 2182 3.1",
		"Add a nameserver in another network: one routing failure takes all of them down." },
	[C_NO_IPV6] = { "NO_IPV6", NOTE, DD_LAYER_NAMESERVERS,
		"no nameserver has an IPv6 address",
		"RFC 3901",
		"Give at least one nameserver an IPv6 address so IPv6-only resolvers reach you." },
	[C_NS_ONE_OPERATOR] = { "NS_ONE_OPERATOR", NOTE, DD_LAYER_NAMESERVERS,
		"every nameserver name is under one registrable domain (one operator)",
		"RFC 2182 3",
		"One operator's outage (or one expired domain) takes the domain down: consider a "
		"second DNS provider." },
	[C_NS_ONE_TLD] = { "NS_ONE_TLD", NOTE, DD_LAYER_NAMESERVERS,
		"every nameserver name is under one TLD other than the domain's own",
		"RFC 2182 3",
		"An outage of that TLD takes the domain down too: consider a nameserver under "
		"another TLD." },
	[C_NS_ALL_IN_BAILIWICK] = { "NS_ALL_IN_BAILIWICK", NOTE, DD_LAYER_NAMESERVERS,
		"every nameserver name is inside the domain itself",
		"RFC 1034 4.2.1, RFC 8499 (in-bailiwick)",
		"The domain depends entirely on glue at the parent; a nameserver under another domain "
		"keeps it reachable (and diagnosable) when the glue or delegation breaks." },
	[C_DEPS_SPOF_INHERENT] = { "DEPS_SPOF_INHERENT", INFO, DD_LAYER_REGISTRATION,
		"the domain's own registry and registrar are single points of failure no setup avoids",
		"RFC 2182 3, SSAC SAC040",
		"Mitigate: registry lock and transfer lock, auto-renewal with a valid payment method, "
		"monitoring of the registration, and a backup domain under another TLD at another "
		"registrar (dnsdeps check --backup)." },
	[C_DEPS_SPOF_REGISTRY] = { "DEPS_SPOF_REGISTRY", NOTE, DD_LAYER_REGISTRY,
		"the failure of one registry other than the domain's own would make it unresolvable",
		"RFC 2182 3.1",
		"Add a nameserver whose name (and whose own zone's servers) are under another TLD." },
	[C_DEPS_SPOF_REGISTRAR] = { "DEPS_SPOF_REGISTRAR", NOTE, DD_LAYER_REGISTRATION,
		"every usable nameserver depends on domains held at one registrar (or on one "
		"registration) other than the domain's own",
		"RFC 2182 3.1, SSAC SAC040",
		"Add a nameserver under a domain registered at another registrar." },
	[C_DEPS_SPOF_OPERATOR] = { "DEPS_SPOF_OPERATOR", NOTE, DD_LAYER_NAMESERVERS,
		"the failure of one DNS operator would make the domain unresolvable",
		"RFC 2182 3.1",
		"Add a nameserver at a second DNS provider, under another registrable domain." },
	[C_DEPS_SPOF_NETWORK] = { "DEPS_SPOF_NETWORK", NOTE, DD_LAYER_NAMESERVERS,
		"the failure of one network (IPv4 /24, IPv6 /48) would make the domain unresolvable",
		"RFC 2182 3.1",
		"Add a nameserver in another network, ideally at another provider." },
	[C_DEPS_SPOF_AS] = { "DEPS_SPOF_AS", NOTE, DD_LAYER_NAMESERVERS,
		"the failure of one autonomous system would make the domain unresolvable",
		"RFC 2182 3.1",
		"Add a nameserver whose addresses are announced by another AS." },
	[C_DEPS_SPOF_SERVER] = { "DEPS_SPOF_SERVER", NOTE, DD_LAYER_NAMESERVERS,
		"the failure of one nameserver would make the domain unresolvable",
		"RFC 1034 4.1, RFC 2182 5",
		"Add at least a second nameserver, at another operator and in another network." },
	[C_DEPS_NS_DOMAIN_UNREGISTERED] = { "DEPS_NS_DOMAIN_UNREGISTERED", ERR,
		DD_LAYER_NAMESERVERS,
		"a nameserver the domain depends on is under a domain nobody has registered",
		"RFC 1034 4.2.2, SSAC SAC044",
		"Remove the NS names under that domain from every zone that uses them (or register "
		"it yourself) now: whoever registers it can answer for your domain." },
	[C_DEPS_NS_DOMAIN_NOT_DELEGATED] = { "DEPS_NS_DOMAIN_NOT_DELEGATED", ERR,
		DD_LAYER_NAMESERVERS,
		"a nameserver the domain depends on is under a domain its registry does not "
		"delegate (NXDOMAIN), and nothing says who holds it",
		"RFC 1034 4.2.2, RFC 8020",
		"Look the domain up at its registry; if it is free, remove the NS names under it or "
		"register it before someone else does." },
	[C_DEPS_NS_DOMAIN_EXPIRED] = { "DEPS_NS_DOMAIN_EXPIRED", ERR, DD_LAYER_NAMESERVERS,
		"a nameserver the domain depends on is under an expired domain",
		"RFC 1034 4.2.2, SSAC SAC044",
		"Have the nameserver domain renewed now, or move off the nameservers under it: once "
		"deleted, anyone can register it." },
	[C_DEPS_NS_DOMAIN_ON_HOLD] = { "DEPS_NS_DOMAIN_ON_HOLD", WARN, DD_LAYER_NAMESERVERS,
		"a nameserver the domain depends on is under a domain on hold (clientHold, "
		"serverHold, suspended)",
		"RFC 5731 2.3, RFC 3915",
		"Its names do not resolve while the hold lasts; ask its holder why, and add "
		"nameservers elsewhere." },
	[C_DEPS_NS_DOMAIN_PENDING_DELETE] = { "DEPS_NS_DOMAIN_PENDING_DELETE", ERR,
		DD_LAYER_NAMESERVERS,
		"a nameserver the domain depends on is under a domain being deleted",
		"RFC 3915, SSAC SAC044",
		"Move off the nameservers under it now (or have it restored): once purged, anyone "
		"can register it and answer for your domain." },
	[C_DEPS_NS_DOMAIN_EXPIRES_FIRST] = { "DEPS_NS_DOMAIN_EXPIRES_FIRST", NOTE,
		DD_LAYER_NAMESERVERS,
		"a nameserver domain the domain depends on expires before the domain itself",
		"SSAC SAC044",
		"Make sure the nameserver domain is renewed automatically (ask its holder), or "
		"watch its expiry." },
	[C_DEPS_NS_DOMAIN_NO_TRANSFER_LOCK] = { "DEPS_NS_DOMAIN_NO_TRANSFER_LOCK", NOTE,
		DD_LAYER_NAMESERVERS,
		"a nameserver domain the domain depends on has no transfer lock",
		"RFC 5731 2.3, SSAC SAC040",
		"Ask its holder to set a transfer lock (clientTransferProhibited) at the registrar." },
	[C_DEPS_REGISTRATION_UNKNOWN] = { "DEPS_REGISTRATION_UNKNOWN", INFO, DD_LAYER_REGISTRATION,
		"the registration of some nameserver domains is unknown, so hijack risks are not "
		"fully checked",
		"RFC 9083, RFC 3912",
		"Run again with registration look-ups (check the RDAP bootstrap and WHOIS tables, "
		"--ca-file) or look the domains up by hand." },
	[C_DEPS_BACKUP_DOWN] = { "DEPS_BACKUP_DOWN", WARN, DD_LAYER_NAMESERVERS,
		"a backup domain does not resolve now",
		"RFC 1034 4.3.2",
		"A backup that does not resolve protects nothing: fix it (dnsdeps check BACKUP)." },
	[C_DEPS_BACKUP_SHARES] = { "DEPS_BACKUP_SHARES", NOTE, DD_LAYER_NAMESERVERS,
		"a backup domain shares a registry, registrar, operator, network or AS with the "
		"domain: it protects against nothing on that axis",
		"RFC 2182 3.1",
		"Move the backup to another TLD, registrar, DNS operator and network than the "
		"domain's." },
	[C_DEPS_BACKUP_SHARED_SPOF] = { "DEPS_BACKUP_SHARED_SPOF", WARN, DD_LAYER_NAMESERVERS,
		"one failure would make the domain and all its backups unresolvable at once",
		"RFC 2182 3.1",
		"Make at least one backup independent of it (another TLD, registrar, operator, "
		"network, AS)." },
	[C_DEPS_INCOMPLETE] = { "DEPS_INCOMPLETE", INFO, DD_LAYER_NONE,
		"the dependency graph was cut short by a bound (depth, count)",
		"RFC 1034 5.3.3",
		"The analysis covers what was gathered; raise --max-depth to see further." },
	[C_DNSSEC_DS_UNSIGNED] = { "DNSSEC_DS_UNSIGNED", CRIT, DD_LAYER_DNSSEC,
		"the parent publishes a DS for the domain, but its nameservers serve no DNSKEY "
		"(the zone is unsigned)",
		"RFC 4035 5.2, RFC 4033 5",
		"Validating resolvers reject every answer: sign the zone again with the key the DS "
		"designates, or remove the DS through your registrar (the fix takes the DS TTL to "
		"reach every resolver)." },
	[C_DNSSEC_DS_NO_MATCH] = { "DNSSEC_DS_NO_MATCH", CRIT, DD_LAYER_DNSSEC,
		"no DS at the parent matches a key that signs the domain's DNSKEY set",
		"RFC 4035 5.2, RFC 4034 5, RFC 6781 4.1.2",
		"Publish the key the DS designates again and sign the DNSKEY set with it, or have "
		"your registrar replace the DS with one for the current key; a rollover must keep "
		"the old key until the new DS has reached every resolver." },
	[C_DNSSEC_BOGUS] = { "DNSSEC_BOGUS", CRIT, DD_LAYER_DNSSEC,
		"no nameserver serves DNSKEY, SOA and NS sets whose signatures validate",
		"RFC 4035 5.3, RFC 4033 5",
		"Re-sign the zone and make sure signing runs automatically (expired signatures are "
		"the usual cause); if that cannot be done quickly, remove the DS through your "
		"registrar." },
	[C_DNSSEC_CHAIN_BROKEN] = { "DNSSEC_CHAIN_BROKEN", CRIT, DD_LAYER_DNSSEC,
		"the chain of trust above the domain does not validate (a zone above, the DS set "
		"the parent serves for the domain, or its proof that there is none)",
		"RFC 4035 5, RFC 4033 5",
		"Nothing in your own zone can fix it: tell the operator of the zone named (the "
		"registry). If the root fails, check dnsdeps' trust anchor (--trust-anchor)." },
	[C_DNSSEC_DS_DENIAL_FAILS] = { "DNSSEC_DS_DENIAL_FAILS", ERR, DD_LAYER_DNSSEC,
		"some servers of the signed parent zone say the domain has no DS without proving it "
		"(NSEC/NSEC3 records missing, not validly signed, or not covering the name)",
		"RFC 4035 5.2 and 5.4, RFC 5155 8.6",
		"Nothing in your own zone can fix it: tell the registry which of its servers are "
		"named; resolvers that ask those answer SERVFAIL for the domain." },
	[C_DNSSEC_SIG_EXPIRED] = { "DNSSEC_SIG_EXPIRED", ERR, DD_LAYER_DNSSEC,
		"signatures served for the domain have expired",
		"RFC 4035 5.3.1, RFC 4034 3.1.5",
		"Re-sign the zone on the servers named (a secondary that no longer receives zone "
		"transfers keeps serving old signatures) and make sure signing runs automatically." },
	[C_DNSSEC_SIG_NOT_YET_VALID] = { "DNSSEC_SIG_NOT_YET_VALID", ERR, DD_LAYER_DNSSEC,
		"signatures served for the domain are not valid yet (inception in the future)",
		"RFC 4035 5.3.1, RFC 4034 3.1.5",
		"Check the clock of the signer and re-sign with an inception time in the past (an "
		"hour of margin is usual)." },
	[C_DNSSEC_SIG_INVALID] = { "DNSSEC_SIG_INVALID", ERR, DD_LAYER_DNSSEC,
		"records served for the domain lack a valid signature by a trusted key (missing, "
		"not verifying, or made by a key that is not in the validated DNSKEY set)",
		"RFC 4035 5.3, RFC 4035 2.2",
		"Re-sign the zone with its current keys and load the same signed copy on every "
		"server named." },
	[C_DNSSEC_SIG_EXPIRING] = { "DNSSEC_SIG_EXPIRING", WARN, DD_LAYER_DNSSEC,
		"signatures served for the domain expire within 7 days (--sig-warn)",
		"RFC 4034 3.1.5, RFC 6781 4.4.2",
		"Re-sign before the date given, and check why automatic re-signing has not already "
		"renewed them." },
	[C_DNSSEC_DNSKEY_DISAGREE] = { "DNSSEC_DNSKEY_DISAGREE", WARN, DD_LAYER_DNSSEC,
		"the domain's nameservers serve different DNSKEY sets",
		"RFC 4035 2.1, RFC 6781 4.1",
		"Some servers serve an old copy of the zone (or another signer's): load the same "
		"signed zone everywhere before the next key change." },
	[C_DNSSEC_ALGORITHM_DEPRECATED] = { "DNSSEC_ALGORITHM_DEPRECATED", WARN, DD_LAYER_DNSSEC,
		"keys or DS records use an algorithm RFC 8624 says not to sign with (RSAMD5, DSA, "
		"RSASHA1, DSA-NSEC3-SHA1, RSASHA1-NSEC3-SHA1, ECC-GOST)",
		"RFC 8624 3.1",
		"Roll to ECDSAP256SHA256 (13) or RSASHA256 (8): resolvers that no longer accept the "
		"old algorithm treat the domain as unsigned or fail it." },
	[C_DNSSEC_DS_SHA1_ONLY] = { "DNSSEC_DS_SHA1_ONLY", WARN, DD_LAYER_DNSSEC,
		"every DS record at the parent uses the SHA-1 digest",
		"RFC 8624 3.3",
		"Have your registrar publish a DS with digest type 2 (SHA-256), then remove the "
		"SHA-1 one." },
	[C_DNSSEC_CDS_INCONSISTENT] = { "DNSSEC_CDS_INCONSISTENT", WARN, DD_LAYER_DNSSEC,
		"CDS/CDNSKEY records disagree with the DNSKEY set or with the DS at the parent",
		"RFC 7344 4, RFC 8078 3",
		"Publish CDS/CDNSKEY only for keys in the DNSKEY set; a parent that acts on a CDS "
		"for a missing key makes the domain bogus. A CDS that differs from the DS is a "
		"request the registry has not applied (yet)." },
	[C_DNSSEC_CDS_DELETE] = { "DNSSEC_CDS_DELETE", NOTE, DD_LAYER_DNSSEC,
		"the zone asks the parent to remove its DS (CDS/CDNSKEY delete signal)",
		"RFC 8078 4",
		"If you mean to turn DNSSEC off, keep the zone signed until the DS is gone from the "
		"parent; otherwise remove the delete records." },
	[C_DNSSEC_UNSIGNED] = { "DNSSEC_UNSIGNED", INFO, DD_LAYER_DNSSEC,
		"the domain is not protected by DNSSEC (no usable DS at the parent, or a zone above "
		"is unsigned)",
		"RFC 4033, RFC 4035 5.2",
		"To protect it, sign the zone and have your registrar publish the DS." },
	[C_REG_NOT_FOUND] = { "REG_NOT_FOUND", CRIT, DD_LAYER_REGISTRATION,
		"the registry has no record of the domain (RDAP 404, WHOIS \"no match\")",
		"RFC 9083 6, RFC 3912",
		"The domain was deleted or never registered: register it again at a registrar, "
		"quickly, before someone else does." },
	[C_REG_EXPIRED] = { "REG_EXPIRED", CRIT, DD_LAYER_REGISTRATION,
		"the registration has expired (the registry's expiry date is past, or its record "
		"says so)",
		"RFC 5731 2.3, RFC 3915",
		"Renew it at your registrar now; the registry stops publishing an expired domain and "
		"later deletes it." },
	[C_REG_EXPIRES_IMMINENT] = { "REG_EXPIRES_IMMINENT", CRIT, DD_LAYER_REGISTRATION,
		"the registration expires within days (7 by default, --expiry-crit)",
		"RFC 5731 2.3",
		"Renew it at your registrar today, and check that automatic renewal has a valid "
		"payment method." },
	[C_REG_EXPIRES_SOON] = { "REG_EXPIRES_SOON", WARN, DD_LAYER_REGISTRATION,
		"the registration expires within weeks (30 days by default, --expiry-warn)",
		"RFC 5731 2.3",
		"Renew it at your registrar, or make sure automatic renewal will happen." },
	[C_REG_SERVER_HOLD] = { "REG_SERVER_HOLD", CRIT, DD_LAYER_REGISTRATION,
		"the registry has put the domain on hold (serverHold): it is not published in the DNS",
		"RFC 5731 2.3",
		"Ask the registry why, through your registrar (often a dispute, an abuse report or "
		"missing documents)." },
	[C_REG_CLIENT_HOLD] = { "REG_CLIENT_HOLD", CRIT, DD_LAYER_REGISTRATION,
		"the registrar has put the domain on hold (clientHold): it is not published in the DNS",
		"RFC 5731 2.3",
		"Ask your registrar why (often an unpaid invoice or an unverified contact address)." },
	[C_REG_SUSPENDED] = { "REG_SUSPENDED", CRIT, DD_LAYER_REGISTRATION,
		"the registry's record says the domain is suspended or blocked (a ccTLD's own words)",
		"RFC 3912 (the registry's own status vocabulary)",
		"Ask your registrar to settle it with the registry now (at puri.sm in 2018, the "
		"registrar had not paid the registry); if the registrar does not act, ask the registry." },
	[C_REG_REDEMPTION] = { "REG_REDEMPTION", CRIT, DD_LAYER_REGISTRATION,
		"the domain was deleted and is in its redemption period",
		"RFC 3915 3.1",
		"Restore it at your registrar now (a restore fee applies); afterwards it is purged and "
		"anyone can register it." },
	[C_REG_PENDING_DELETE] = { "REG_PENDING_DELETE", CRIT, DD_LAYER_REGISTRATION,
		"the domain is about to be purged from the registry (pendingDelete)",
		"RFC 5731 2.3, RFC 3915 3.1",
		"Ask your registrar at once whether it can still be restored; otherwise be ready to "
		"register it again the moment it is released." },
	[C_REG_INACTIVE] = { "REG_INACTIVE", CRIT, DD_LAYER_REGISTRATION,
		"the registry holds no delegation for the domain (inactive: no nameservers)",
		"RFC 5731 2.3",
		"Set the domain's nameservers at your registrar." },
	[C_REG_EXPIRY_DIFFER] = { "REG_EXPIRY_DIFFER", WARN, DD_LAYER_REGISTRATION,
		"the registry and the registrar give different expiry dates",
		"RFC 7485 (registry and registrar data), ICANN RDDS",
		"The registry's date is the one that counts: if it is the earlier one, the renewal "
		"your registrar shows has not reached the registry; ask your registrar to fix it." },
	[C_REG_NS_DIFFER] = { "REG_NS_DIFFER", WARN, DD_LAYER_REGISTRATION,
		"the registry's record lists other nameservers than the parent zone delegates to",
		"RFC 5731 1.1, RFC 1034 4.2.2",
		"Right after a change this is publication lag; if it lasts, compare the nameservers "
		"set at your registrar with the delegation and correct whichever is wrong." },
	[C_REG_NO_TRANSFER_LOCK] = { "REG_NO_TRANSFER_LOCK", NOTE, DD_LAYER_REGISTRATION,
		"the domain has no transfer lock (client/serverTransferProhibited)",
		"RFC 5731 2.3, ICANN SSAC SAC040",
		"Ask your registrar to set clientTransferProhibited, so that the domain cannot be "
		"moved away without you." },
	[C_REG_NO_REGISTRY_LOCK] = { "REG_NO_REGISTRY_LOCK", INFO, DD_LAYER_REGISTRATION,
		"the domain has no registry lock (server Update/Delete/TransferProhibited together)",
		"RFC 5731 2.3, ICANN SSAC SAC040",
		"For a domain that matters, ask your registrar for the registry lock service: changes "
		"then need an out-of-band confirmation." },
	[C_REG_DATA_UNAVAILABLE] = { "REG_DATA_UNAVAILABLE", NOTE, DD_LAYER_REGISTRATION,
		"the registry's record of the domain could not be obtained: its registration status "
		"is unknown",
		"RFC 9224, RFC 3912",
		"Nothing is wrong because of this; to see the registration, give --rdap-bootstrap or "
		"--whois-servers for the TLD, or try again later (timeouts, rate limits)." },
};

const struct dd_chk_def *dd_chk_defs(size_t *n)
{
	*n = C_COUNT;
	return dd_chk_table;
}

const struct dd_chk_def *dd_chk_def_find(const char *code)
{
	for (size_t i = 0; i < C_COUNT; i++)
		if (strcmp(dd_chk_table[i].code, code) == 0)
			return &dd_chk_table[i];
	return NULL;
}

const char *dd_chk_severity_name(enum dd_chk_severity s)
{
	static const char *const names[DD_SEV_COUNT] = { "info", "notice", "warning", "error",
							 "critical" };
	return (unsigned)s < DD_SEV_COUNT ? names[s] : "?";
}

const char *dd_chk_layer_name(enum dd_chk_layer l)
{
	static const char *const names[DD_LAYER_COUNT] = { "none", "root", "registry",
							   "registration", "nameservers",
							   "dnssec" };
	return (unsigned)l < DD_LAYER_COUNT ? names[l] : "?";
}

const char *dd_chk_status_name(enum dd_chk_status s)
{
	static const char *const names[DD_STATUS_COUNT] = { "ok", "warning", "critical",
							    "unknown" };
	return (unsigned)s < DD_STATUS_COUNT ? names[s] : "?";
}
