/* qr.c - one QR code of a sealed document's verification link (55 bytes,
 * version 4 at level M, 33 x 33 modules), as the renderer draws it: our
 * encoder (docs/qr.c, qr_matrix()) against libqrencode's
 * QRcode_encodeString() as docs/qr.c called it before, each link with its
 * own document number. Prints the CPU time (getrusage: user + system) per
 * code. Built by bench/qr.sh against the release objects.
 *   build/bench/qr [N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "cputime.h"
#include "docs/qr.h"

static void
link_of(int i, char *out, size_t n)
{
	snprintf(out, n, "https://zwfw.baihe.gov.cn/v/DOC-2026-%06d?c=%09x",
	    i % 1000000, (unsigned)(i * 2654435761u) >> 4);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000, w;
	unsigned char *m;
	char url[128];
	struct err e;
	double t0;

	if (n <= 0)
		return 1;
	link_of(0, url, sizeof(url));
	if (strlen(url) != 55)
		return 1;
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		link_of(i, url, sizeof(url));
		if (qr_matrix(url, &m, &w, &e) != 0)
			return 1;
		free(m);
	}
	printf("qr_matrix (ours):             %.1f us CPU per code (%d x %d)\n",
	    (cpu_seconds() - t0) / n * 1e6, w, w);
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		QRcode *q;

		link_of(i, url, sizeof(url));
		q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
		if (q == NULL)
			return 1;
		QRcode_free(q);
	}
	printf("QRcode_encodeString (libqrencode): %.1f us CPU per code\n",
	    (cpu_seconds() - t0) / n * 1e6);
	return 0;
}
