/*
 * test_community_id.c: the Community ID v1 hash against every published
 * vector found: the specification's tables (README of its baseline
 * folder: defaults, seed 1, and without base64), its baseline JSON files
 * (flows of its combined capture: ICMPv6 neighbour and router discovery,
 * ICMPv6 errors, ICMP echo and time exceeded, TCP over IPv4 and IPv6,
 * UDP, SCTP, RSVP), and the reference implementation's (pycommunityid)
 * unit tests. Each row holds the tuple as one direction saw it, the ID
 * with seed 0, its digest in hex (the specification's "no base64" form)
 * and the ID with seed 1. Then the same through flows of the flow table.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "community_id.h"
#include "digest.h"
#include "options.h"

struct vec {
	const char *src_of;     /* where the vector was published */
	uint8_t family, proto;
	const char *saddr, *daddr;
	uint16_t sport, dport;  /* ports, or ICMP type and code */
	const char *id0;        /* seed 0 */
	const char *hex0;       /* seed 0, the digest in hex */
	const char *id1;        /* seed 1 */
};

static const struct vec vecs[] = {
	{ "spec README: Bidirectional flow, out ...", 4, 6, "1.2.3.4", "5.6.7.8", 1122, 3344,
	  "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	  "c026f7386ef200559e95a53276ed03fb5db908b3",
	  "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
	{ "spec README: ... and back", 4, 6, "5.6.7.8", "1.2.3.4", 3344, 1122,
	  "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	  "c026f7386ef200559e95a53276ed03fb5db908b3",
	  "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
	{ "spec README: Bidirectional flow, out ...", 4, 17, "1.2.3.4", "5.6.7.8", 1122, 3344,
	  "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	  "d0cbbd227431eb3e1988264cffb1d78b658c84e8",
	  "1:OShq+iKDAMVouh/4bMxB9Sz4amw=" },
	{ "spec README: ... and back", 4, 17, "5.6.7.8", "1.2.3.4", 3344, 1122,
	  "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	  "d0cbbd227431eb3e1988264cffb1d78b658c84e8",
	  "1:OShq+iKDAMVouh/4bMxB9Sz4amw=" },
	{ "spec README: Bidirectional flow, out ...", 4, 132, "1.2.3.4", "5.6.7.8", 1122, 3344,
	  "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	  "10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f",
	  "1:uitchpn5MMGAQKBJh7bIr/bAr7s=" },
	{ "spec README: ... and back", 4, 132, "5.6.7.8", "1.2.3.4", 3344, 1122,
	  "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	  "10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f",
	  "1:uitchpn5MMGAQKBJh7bIr/bAr7s=" },
	{ "spec README: ICMP flow treatment via types/codes: echo request ...", 4, 1, "1.2.3.4", "5.6.7.8", 8, 0,
	  "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
	  "72ba1d4472f6144b078dbbf752446b7dbb386d9d",
	  "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },
	{ "spec README: ... and response", 4, 1, "5.6.7.8", "1.2.3.4", 0, 0,
	  "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
	  "72ba1d4472f6144b078dbbf752446b7dbb386d9d",
	  "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },
	{ "spec README: Unidirectional ICMP treatment", 4, 1, "1.2.3.4", "5.6.7.8", 11, 0,
	  "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=",
	  "7ff6224b25aa733ad381f5026650549ef1d170f9",
	  "1:1DD7cWGC/Yg91YGsQeni8du3pIA=" },
	{ "spec README: ICMP flow treatment via types/codes: echo request ...", 6, 58, "fe80:1:203:405:607:809:a0b:c0d", "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 128, 0,
	  "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
	  "d1b7fb872309530b777cc103ef3f0b21f46905ea",
	  "1:IO27GQzPuCtNnwFvjWALMHu5tJE=" },
	{ "spec README: ... and response", 6, 58, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", "fe80:1:203:405:607:809:a0b:c0d", 129, 0,
	  "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
	  "d1b7fb872309530b777cc103ef3f0b21f46905ea",
	  "1:IO27GQzPuCtNnwFvjWALMHu5tJE=" },
	{ "spec README: Unidirectional treatment", 6, 58, "fe80:1:203:405:607:809:a0b:c0d", "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 146, 0,
	  "1:fYC8+pz24E+EhANP1EZhpX0Dw10=",
	  "7d80bcfa9cf6e04f8484034fd44661a57d03c35d",
	  "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=" },
	{ "spec README: Example of port-less but bidirectional protocol, out ...", 4, 46, "1.2.3.4", "5.6.7.8", 0, 0,
	  "1:ikv3kmf89luf73WPz1jOs49S768=",
	  "8a4bf79267fcf65b9fef758fcf58ceb38f52efaf",
	  "1:/buhqeOmaRCopOZFy9HnoJd5XW8=" },
	{ "spec README: ... and back", 4, 46, "5.6.7.8", "1.2.3.4", 0, 0,
	  "1:ikv3kmf89luf73WPz1jOs49S768=",
	  "8a4bf79267fcf65b9fef758fcf58ceb38f52efaf",
	  "1:/buhqeOmaRCopOZFy9HnoJd5XW8=" },
	{ "spec README: Port-less example for IPv6, out ...", 6, 46, "fe80:1:203:405:607:809:a0b:c0d", "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", 0, 0,
	  "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
	  "c10ff69b0ae75cfe259897077462f978f8d1f9ed",
	  "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=" },
	{ "spec README: ... and back", 6, 46, "fe80:1011:1213:1415:1617:1819:1a1b:1c1d", "fe80:1:203:405:607:809:a0b:c0d", 0, 0,
	  "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
	  "c10ff69b0ae75cfe259897077462f978f8d1f9ed",
	  "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=" },
	{ "spec baseline JSON", 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	  "7461f21af8cc7e58e0e81a69c26ddb8342cef136",
	  "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ "spec baseline JSON", 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	  "7461f21af8cc7e58e0e81a69c26ddb8342cef136",
	  "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ "spec baseline JSON", 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=",
	  "cdabf24ff71ecd0af57e6226602c189cc5db81c9",
	  "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ "spec baseline JSON", 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=",
	  "cdabf24ff71ecd0af57e6226602c189cc5db81c9",
	  "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ "spec baseline JSON", 6, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
	  "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=",
	  "d8e6d5060227dbca19be26d866164c06087b59d4",
	  "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
	{ "spec baseline JSON", 6, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
	  "1:hLZd0XGWojozrvxqE0dWB1iM6R0=",
	  "84b65dd17196a23a33aefc6a13475607588ce91d",
	  "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
	{ "spec baseline JSON", 6, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
	  "f935be1ed2c7bd5d719c6855d65bfb5e826ba908",
	  "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ "spec baseline JSON", 6, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
	  "f935be1ed2c7bd5d719c6855d65bfb5e826ba908",
	  "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ "spec baseline JSON", 6, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134,
	  "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
	  "84efac3781fe306e4c63ff2122b5cfa9ce19433d",
	  "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
	{ "spec baseline JSON", 6, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133,
	  "1:pkvHqCL88/tg1k4cPigmZXUtL00=",
	  "a64bc7a822fcf3fb60d64e1c3e282665752d2f4d",
	  "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
	{ "spec baseline JSON", 4, 1, "192.168.0.89", "192.168.0.1", 8, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	  "5f4b27617a60c22bfd4d9b6a83ae2c833527e839",
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ "spec baseline JSON", 4, 1, "192.168.0.1", "192.168.0.89", 0, 8,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	  "5f4b27617a60c22bfd4d9b6a83ae2c833527e839",
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ "spec baseline JSON", 4, 1, "10.0.0.1", "10.0.0.2", 11, 0,
	  "1:YHxtAirCG//0OzkcVAukqKQN9xM=",
	  "607c6d022ac21bfff43b391c540ba4a8a40df713",
	  "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
	{ "spec baseline JSON", 6, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
	  "fea15a78047e8057b52988cccd50ec32ffb0814e",
	  "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ "spec baseline JSON", 6, 6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
	  "fea15a78047e8057b52988cccd50ec32ffb0814e",
	  "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ "spec baseline JSON", 4, 132, "192.168.170.8", "192.168.170.56", 7, 7,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	  "30fd84b5108050866f4f0e8cc491cb57b37b243b",
	  "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ "spec baseline JSON", 4, 132, "192.168.170.56", "192.168.170.8", 7, 7,
	  "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	  "30fd84b5108050866f4f0e8cc491cb57b37b243b",
	  "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ "spec baseline JSON", 4, 6, "128.232.110.120", "66.35.250.204", 34855, 80,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	  "2d053da9994af81e45dca0e67afea6e4f3226eb8",
	  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ "spec baseline JSON", 4, 6, "66.35.250.204", "128.232.110.120", 80, 34855,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	  "2d053da9994af81e45dca0e67afea6e4f3226eb8",
	  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ "spec baseline JSON", 4, 17, "192.168.1.52", "8.8.8.8", 54585, 53,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	  "77f14fe445b7c22635bc29dd87095e451287a304",
	  "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ "spec baseline JSON", 4, 17, "8.8.8.8", "192.168.1.52", 53, 54585,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	  "77f14fe445b7c22635bc29dd87095e451287a304",
	  "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ "spec baseline JSON", 4, 46, "10.1.12.1", "10.1.12.2", 0, 0,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
	  "28794b920a095bb89f513c934a0c957e4147ccac",
	  "1:rYir8gphR31noO9iDRQmF/BteEI=" },
	{ "spec baseline JSON", 4, 46, "10.1.12.2", "10.1.12.1", 0, 0,
	  "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
	  "28794b920a095bb89f513c934a0c957e4147ccac",
	  "1:rYir8gphR31noO9iDRQmF/BteEI=" },
	{ "pycommunityid tests", 4, 1, "192.168.0.89", "192.168.0.1", 8, 0,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	  "5f4b27617a60c22bfd4d9b6a83ae2c833527e839",
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ "pycommunityid tests", 4, 1, "192.168.0.1", "192.168.0.89", 0, 8,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	  "5f4b27617a60c22bfd4d9b6a83ae2c833527e839",
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ "pycommunityid tests", 4, 1, "192.168.0.89", "192.168.0.1", 20, 0,
	  "1:3o2RFccXzUgjl7zDpqmY7yJi8rI=",
	  "de8d9115c717cd482397bcc3a6a998ef2262f2b2",
	  "1:lCXHHxavE1Vq3oX9NH5ladQg02o=" },
	{ "pycommunityid tests", 4, 1, "192.168.0.89", "192.168.0.1", 20, 1,
	  "1:tz/fHIDUHs19NkixVVoOZywde+I=",
	  "b73fdf1c80d41ecd7d3648b1555a0e672c1d7be2",
	  "1:Ie3wmFyxiEyikbsbcO03d2nh+PM=" },
	{ "pycommunityid tests", 4, 1, "192.168.0.1", "192.168.0.89", 0, 20,
	  "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	  "5f4b27617a60c22bfd4d9b6a83ae2c833527e839",
	  "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ "pycommunityid tests", 6, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	  "7461f21af8cc7e58e0e81a69c26ddb8342cef136",
	  "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ "pycommunityid tests", 6, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	  "7461f21af8cc7e58e0e81a69c26ddb8342cef136",
	  "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ "pycommunityid tests", 6, 58, "3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
	  "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=",
	  "35da1b0d7f0f40d25b0327e45b186d2f63eaa79c",
	  "1:OlOWx9psIbBFi7lOCw/4MhlKR9M=" },
	{ "pycommunityid tests", 6, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 3, 0,
	  "1:/OGBt9BN1ofenrmSPWYicpij2Vc=",
	  "fce181b7d04dd687de9eb9923d66227298a3d957",
	  "1:Ij4ZxnC87/MXzhOjvH2vHu7LRmE=" },
	{ "pycommunityid tests", 4, 132, "192.168.170.8", "192.168.170.56", 7, 80,
	  "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=",
	  "8d0802c5b92efa9346c3c58f6c473f4d2fee4e94",
	  "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=" },
	{ "pycommunityid tests", 4, 132, "192.168.170.56", "192.168.170.8", 80, 7,
	  "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=",
	  "8d0802c5b92efa9346c3c58f6c473f4d2fee4e94",
	  "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=" },
	{ "pycommunityid tests", 4, 6, "128.232.110.120", "66.35.250.204", 34855, 80,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	  "2d053da9994af81e45dca0e67afea6e4f3226eb8",
	  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ "pycommunityid tests", 4, 6, "66.35.250.204", "128.232.110.120", 80, 34855,
	  "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	  "2d053da9994af81e45dca0e67afea6e4f3226eb8",
	  "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ "pycommunityid tests", 4, 6, "10.0.0.1", "10.0.0.2", 10, 11569,
	  "1:SXBGMX1lBOwhhoDrZynfROxnhnM=",
	  "497046317d6504ec218680eb6729df44ec678673",
	  "1:HmBRGR+fUyXF4t8WEtal7Y0gEAo=" },
	{ "pycommunityid tests", 4, 17, "192.168.1.52", "8.8.8.8", 54585, 53,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	  "77f14fe445b7c22635bc29dd87095e451287a304",
	  "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ "pycommunityid tests", 4, 17, "8.8.8.8", "192.168.1.52", 53, 54585,
	  "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	  "77f14fe445b7c22635bc29dd87095e451287a304",
	  "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ "pycommunityid tests", 4, 46, "10.1.24.4", "10.1.12.1", 0, 0,
	  "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=",
	  "fe7408e1187f4ed63799fd11da0245064565812e",
	  "1:BK3BVW3U2eemuwVQVN3zd/GULno=" },
	{ "pycommunityid tests", 4, 46, "10.1.12.1", "10.1.24.4", 0, 0,
	  "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=",
	  "fe7408e1187f4ed63799fd11da0245064565812e",
	  "1:BK3BVW3U2eemuwVQVN3zd/GULno=" },
};

/* An address as decode.h keeps it: IPv4 as ::ffff:a.b.c.d. */
static struct ip_addr addr(uint8_t family, const char *s)
{
	struct ip_addr a;

	memset(&a, 0, sizeof a);
	if (family == 4) {
		a.b[10] = 0xff;
		a.b[11] = 0xff;
		assert_int_equal(inet_pton(AF_INET, s, a.b + 12), 1);
	} else {
		assert_int_equal(inet_pton(AF_INET6, s, a.b), 1);
	}
	return a;
}

/* RFC 4648 base64 back to bytes: 20 bytes from the 28 characters. */
static void unbase64(const char *s, uint8_t out[DIGEST_SHA1_LEN])
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t n = 0, bits = 0;

	assert_int_equal(strlen(s), 28);
	for (; *s && *s != '='; s++) {
		const char *p = strchr(abc, *s);

		assert_non_null(p);
		acc = acc << 6 | (uint32_t)(p - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			assert_true(n < DIGEST_SHA1_LEN);
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	assert_int_equal(n, DIGEST_SHA1_LEN);
}

static void test_published_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
		const struct vec *v = &vecs[i];
		struct ip_addr s = addr(v->family, v->saddr);
		struct ip_addr d = addr(v->family, v->daddr);
		char id[COMMUNITY_ID_LEN], hex[2 * DIGEST_SHA1_LEN + 1];
		uint8_t raw[DIGEST_SHA1_LEN];

		printf("  %2zu %s: proto %u %s %u -> %s %u\n", i, v->src_of,
		       v->proto, v->saddr, v->sport, v->daddr, v->dport);
		assert_int_equal(community_id(0, v->family, v->proto, &s, &d,
					      v->sport, v->dport, id), 0);
		assert_string_equal(id, v->id0);
		/* Every ID has this length: the JSON writer copies it so. */
		assert_int_equal(strlen(id), COMMUNITY_ID_LEN - 1);
		unbase64(id + 2, raw);
		digest_hex(raw, sizeof raw, hex);
		assert_string_equal(hex, v->hex0);
		assert_int_equal(community_id(1, v->family, v->proto, &s, &d,
					      v->sport, v->dport, id), 0);
		assert_string_equal(id, v->id1);
	}
}

/* The reference implementation's command-line test, and the byte layout
   its verbose mode shows for it: 00:00 0a:00:00:01 0a:00:00:02 06 00
   00:0a 00:14. */
static void test_reference_layout(void **state)
{
	struct ip_addr s = addr(4, "10.0.0.1"), d = addr(4, "10.0.0.2");
	const uint8_t layout[] = { 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 6, 0,
				   0, 10, 0, 20 };
	uint8_t raw[DIGEST_SHA1_LEN];
	char id[COMMUNITY_ID_LEN];
	char hex[2 * DIGEST_SHA1_LEN + 1], whex[2 * DIGEST_SHA1_LEN + 1];

	(void)state;
	assert_int_equal(community_id(0, 4, 6, &s, &d, 10, 20, id), 0);
	assert_string_equal(id, "1:9j2Dzwrw7T9E+IZi4b4IVT66HBI=");
	assert_int_equal(digest_sha1(layout, sizeof layout, raw), 0);
	digest_hex(raw, sizeof raw, whex);
	unbase64(id + 2, raw);
	digest_hex(raw, sizeof raw, hex);
	assert_string_equal(hex, whex);

	/* The published seeds are 0 and 1: a seed over 255 shows that it is
	   16 bits in network order. */
	{
		uint8_t l2[sizeof layout];

		memcpy(l2, layout, sizeof l2);
		l2[0] = 0xab;
		l2[1] = 0xcd;
		assert_int_equal(digest_sha1(l2, sizeof l2, raw), 0);
		digest_hex(raw, sizeof raw, whex);
		assert_int_equal(community_id(0xabcd, 4, 6, &d, &s, 20, 10, id), 0);
		unbase64(id + 2, raw);
		digest_hex(raw, sizeof raw, hex);
		assert_string_equal(hex, whex);
	}
}

/* Both directions of a two-way tuple hash alike, whatever the protocol;
   a one-way ICMP message does not (its reverse is another message). */
static void test_directions(void **state)
{
	struct ip_addr a = addr(6, "2001:db8::1"), b = addr(6, "2001:db8::2");
	struct ip_addr c = addr(4, "10.1.1.1"), l = addr(4, "127.0.0.1");
	char x[COMMUNITY_ID_LEN], y[COMMUNITY_ID_LEN];
	const uint8_t protos[] = { 6, 17, 132, 47, 50, 0, 255 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof protos; i++) {
		assert_int_equal(community_id(0, 6, protos[i], &a, &b, 5060, 40000, x), 0);
		assert_int_equal(community_id(0, 6, protos[i], &b, &a, 40000, 5060, y), 0);
		assert_string_equal(x, y);
	}
	/* Equal addresses: the ports order the ends. */
	assert_int_equal(community_id(7, 4, 6, &l, &l, 8443, 1024, x), 0);
	assert_int_equal(community_id(7, 4, 6, &l, &l, 1024, 8443, y), 0);
	assert_string_equal(x, y);
	/* Protocols without ports ignore them. */
	assert_int_equal(community_id(0, 4, 47, &c, &l, 1, 2, x), 0);
	assert_int_equal(community_id(0, 4, 47, &c, &l, 0, 0, y), 0);
	assert_string_equal(x, y);
	/* Echo request one way, reply the other: one flow, for ICMPv6 too. */
	assert_int_equal(community_id(0, 4, 1, &c, &l, 8, 0, x), 0);
	assert_int_equal(community_id(0, 4, 1, &l, &c, 0, 0, y), 0);
	assert_string_equal(x, y);
	assert_int_equal(community_id(0, 6, 58, &a, &b, 135, 0, x), 0);
	assert_int_equal(community_id(0, 6, 58, &b, &a, 136, 0, y), 0);
	assert_string_equal(x, y);
	/* Destination unreachable is one-way: its reverse differs, and so
	   does another code. */
	assert_int_equal(community_id(0, 4, 1, &c, &l, 3, 3, x), 0);
	assert_int_equal(community_id(0, 4, 1, &l, &c, 3, 3, y), 0);
	assert_string_not_equal(x, y);
	assert_int_equal(community_id(0, 4, 1, &c, &l, 3, 13, y), 0);
	assert_string_not_equal(x, y);
	/* An IPv4-mapped IPv6 address is IPv6: 16 bytes hashed, not 4. */
	assert_int_equal(community_id(0, 4, 6, &c, &l, 1, 2, x), 0);
	assert_int_equal(community_id(0, 6, 6, &c, &l, 1, 2, y), 0);
	assert_string_not_equal(x, y);
	/* Only families 4 and 6. */
	assert_int_equal(community_id(0, 5, 6, &c, &l, 1, 2, x), -1);
	assert_string_equal(x, "");
}

/* A flow of the flow table hashes as its first packet's tuple. */
static struct packet pkt(uint8_t family, uint8_t proto, const char *s,
			 uint16_t sport, const char *d, uint16_t dport,
			 uint64_t ts)
{
	struct packet p;

	memset(&p, 0, sizeof p);
	p.ts_us = ts;
	p.wire_len = 100;
	p.family = family;
	p.proto = proto;
	p.src = addr(family, s);
	p.dst = addr(family, d);
	p.sport = sport;
	p.dport = dport;
	return p;
}

/* The flow of p (a table of its own), as community_id_flow() hashes it. */
static int flow_id(const struct packet *ps, size_t n, uint16_t seed,
		   char out[COMMUNITY_ID_LEN])
{
	struct limits l;
	struct flow_table *t;
	struct flow *f = NULL;
	size_t i;
	int rc;

	limits_default(&l);
	l.max_flows = 4;
	t = flow_table_new(&l, 1, NULL, NULL);
	assert_non_null(t);
	for (i = 0; i < n; i++)
		f = flow_lookup(t, &ps[i], NULL, NULL);
	rc = community_id_flow(f, seed, out);
	flow_table_free(t);
	return rc;
}

static void test_flows(void **state)
{
	struct packet p[2];
	char id[COMMUNITY_ID_LEN];

	(void)state;
	/* TCP, first packet from the higher address (side B). */
	p[0] = pkt(4, 6, "66.35.250.204", 80, "128.232.110.120", 34855, 1);
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	assert_int_equal(flow_id(p, 1, 1, id), 0);
	assert_string_equal(id, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=");
	p[0] = pkt(6, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
		   "2607:f8b0:400c:c03::1a", 25, 1);
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
	/* UDP. */
	p[0] = pkt(4, 17, "8.8.8.8", 53, "192.168.1.52", 54585, 1);
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
	/* A protocol without ports. */
	p[0] = pkt(4, 46, "10.1.12.2", 0, "10.1.12.1", 0, 1);
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
	/* ICMP echo: the request first, or the reply first, then both. */
	p[0] = pkt(4, 1, "192.168.0.89", 0, "192.168.0.1", 0, 1);
	p[0].icmp_type = 8;
	p[1] = pkt(4, 1, "192.168.0.1", 0, "192.168.0.89", 0, 2);
	assert_int_equal(flow_id(p, 2, 0, id), 0);
	assert_string_equal(id, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
	assert_int_equal(flow_id(p + 1, 1, 0, id), 0);
	assert_string_equal(id, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=");
	/* One-way ICMP: the first packet's sender is the source, from side
	   A (time exceeded, 10.0.0.1 to 10.0.0.2)... */
	p[0] = pkt(4, 1, "10.0.0.1", 0, "10.0.0.2", 0, 1);
	p[0].icmp_type = 11;
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:YHxtAirCG//0OzkcVAukqKQN9xM=");
	/* ...an ICMPv6 destination unreachable, code 4: not the same
	   message the other way... */
	p[0] = pkt(6, 58, "3ffe:507:0:1:200:86ff:fe05:80da", 0,
		   "3ffe:501:410:0:2c0:dfff:fe47:33e", 0, 1);
	p[0].icmp_type = 1;
	p[0].icmp_code = 4;
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_not_equal(id, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=");
	p[0] = pkt(6, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e", 0,
		   "3ffe:507:0:1:200:86ff:fe05:80da", 0, 1);
	p[0].icmp_type = 1;
	p[0].icmp_code = 4;
	assert_int_equal(flow_id(p, 1, 0, id), 0);
	assert_string_equal(id, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=");
	/* ...and a time exceeded from side B (the higher address). */
	p[1] = pkt(6, 58, "3ffe:507:0:1:260:97ff:fe07:69ea", 0,
		   "3ffe:507:0:1:200:86ff:fe05:80da", 0, 1);
	p[1].icmp_type = 3;
	assert_int_equal(flow_id(p + 1, 1, 0, id), 0);
	assert_string_equal(id, "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=");
	/* The type and code are the first packet's. */
	p[0].icmp_code = 0;
	p[1] = p[0];
	p[1].icmp_code = 4;
	assert_int_equal(flow_id(p, 2, 0, id), 0);
	assert_string_not_equal(id, "1:hLZd0XGWojozrvxqE0dWB1iM6R0=");

	/* SCTP: impwatch does not read its ports, so no ID rather than a
	   wrong one. */
	p[0] = pkt(4, 132, "192.168.170.8", 0, "192.168.170.56", 0, 1);
	strcpy(id, "x");
	assert_int_equal(flow_id(p, 1, 0, id), -1);
	assert_string_equal(id, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_vectors),
		cmocka_unit_test(test_reference_layout),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
