# zone_gen.awk: write a synthetic TLD zone "test." with N delegations (-v n=N)
# for bench/zone.sh. Deterministic (srand(1)). Shapes taken from real TLD
# zones: 2-4 NS per delegation over a few thousand operators with a skewed
# share (a handful of big DNS hosts, a long tail), about 5% of delegations
# with their own in-domain name servers and glue, 10% signed (DS), and a few
# NS names under undelegated domains of the zone (hijackable). Mixes the
# syntax a real zone uses: relative and absolute names, omitted owner, TTL
# and class, parentheses and comments.
BEGIN {
	if (n == "") n = 1000000
	ops = 3000
	srand(1)
	split("shop news mail cloud home city law farm art tech data play blue auto care", word, " ")
	split("com net org", tld, " ")
	print "; synthetic zone for the dnsdeps audit benchmark"
	print "$ORIGIN test."
	print "$TTL 86400"
	print "@\tIN\tSOA\ta.nic-registry.net. hostmaster.nic-registry.net. ("
	print "\t\t2026082201 ; serial"
	print "\t\t1800 900 604800 86400 )"
	print "\t\tNS\ta.nic-registry.net."
	print "\t\tNS\tb.nic-registry.net."
	for (i = 0; i < n; i++) {
		name = sprintf("%s%07d", word[i % 15 + 1], i)
		r = rand()
		if (i % 100000 == 77) {
			# NS names under a domain of this zone nobody registered
			printf "%s\tNS\tns1.lost%d.test.\n", name, i
			printf "\tNS\tns2.lost%d\n", i
		} else if (r < 0.05) {
			# in-domain name servers with glue
			printf "%s\t3600\tIN\tNS\tns1.%s.test.\n", name, name
			printf "%s\tNS\tns2.%s\n", name, name
			printf "ns1.%s\tA\t192.0.2.%d\n", name, i % 250 + 1
			printf "ns2.%s\tA\t198.51.100.%d\n", name, i % 250 + 1
			if (i % 3 == 0)
				printf "ns2.%s\tAAAA\t2001:db8::%x\n", name, i % 65536
		} else {
			# a big operator more often than a small one
			r = rand()
			op = int(ops * r * r * r * r * r * r)
			k = 2 + int(rand() * 3)
			t = tld[op % 3 + 1]
			printf "%s\tNS\tns1.dns%d.%s.\n", name, op, t
			for (j = 2; j <= k; j++) {
				if (j == k && rand() < 0.2) {
					op2 = int(ops * rand())
					printf "\tIN NS ns%d.dns%d.%s. ; second operator\n", j, op2, tld[op2 % 3 + 1]
				} else {
					printf "\t86400 NS ns%d.dns%d.%s.\n", j, op, t
				}
			}
		}
		if (i % 10 == 3)
			printf "%s\tDS\t%d 13 2 ( %08X%08X%08X%08X\n\t\t%08X%08X%08X%08X )\n", name, i % 65536,
			    i, i * 7, i * 13, i * 17, i * 19, i * 23, i * 29, i * 31
	}
}
