/* sm3x8.h - SM3 over eight messages at once, one in each 32-bit lane of
 * a 256-bit vector (see sm3_many() in sm3.c). Included by sm3.c once per
 * instruction set, with these defined:
 *   SM3X8(name)   the name of a function of this set (a suffix added)
 *   SM3X8_TARGET  its function attribute (the instruction set)
 *   SM3X8_ROL     a 32-bit rotation of each lane
 * No include guard: it is meant to be included more than once. */

#define SM3X8_P0(x) XOR(XOR((x), SM3X8_ROL((x), 9)), SM3X8_ROL((x), 17))
#define SM3X8_P1(x) XOR(XOR((x), SM3X8_ROL((x), 15)), SM3X8_ROL((x), 23))

/* Words off/4 .. off/4 + 7 of eight blocks (big-endian), transposed:
 * out[w] holds that word of every lane. */
SM3X8_TARGET static void
SM3X8(transpose8)(const uint8_t *const blk[SM3_LANES], size_t off, V out[8])
{
	const V bswap = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9,
	    8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14,
	    13, 12);
	V r[8], t[8], u[8];

	for (int l = 0; l < SM3_LANES; l++)
		r[l] = _mm256_shuffle_epi8(_mm256_loadu_si256(
		    (const V *)(const void *)(blk[l] + off)), bswap);
	for (int k = 0; k < 8; k += 2) {
		t[k] = _mm256_unpacklo_epi32(r[k], r[k + 1]);
		t[k + 1] = _mm256_unpackhi_epi32(r[k], r[k + 1]);
	}
	for (int k = 0; k < 8; k += 4) {
		u[k] = _mm256_unpacklo_epi64(t[k], t[k + 2]);
		u[k + 1] = _mm256_unpackhi_epi64(t[k], t[k + 2]);
		u[k + 2] = _mm256_unpacklo_epi64(t[k + 1], t[k + 3]);
		u[k + 3] = _mm256_unpackhi_epi64(t[k + 1], t[k + 3]);
	}
	for (int k = 0; k < 4; k++) {
		out[k] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x20);
		out[k + 4] = _mm256_permute2x128_si256(u[k], u[k + 4], 0x31);
	}
}

/* One block of every lane into the state s[8] (A..H, a lane each). */
SM3X8_TARGET static void
SM3X8(compress8)(V s[8], const uint8_t *const blk[SM3_LANES])
{
	V w[68], a, b, c, d, e, f, g, h, ss1, ss2, tt1, tt2, a12;
	int j;

	SM3X8(transpose8)(blk, 0, w);
	SM3X8(transpose8)(blk, 32, w + 8);
	for (j = 16; j < 68; j++)
		w[j] = XOR(XOR(SM3X8_P1(XOR(XOR(w[j - 16], w[j - 9]),
		    SM3X8_ROL(w[j - 3], 15))), SM3X8_ROL(w[j - 13], 7)), w[j - 6]);
	a = s[0]; b = s[1]; c = s[2]; d = s[3];
	e = s[4]; f = s[5]; g = s[6]; h = s[7];
	for (j = 0; j < 64; j++) {
		V ff, gg;

		a12 = SM3X8_ROL(a, 12);
		ss1 = SM3X8_ROL(ADD(ADD(a12, e), _mm256_set1_epi32((int)sm3_tj[j])),
		    7);
		ss2 = XOR(ss1, a12);
		if (j < 16) {
			ff = XOR(XOR(a, b), c);
			gg = XOR(XOR(e, f), g);
		} else {
			ff = OR(OR(AND(a, b), AND(a, c)), AND(b, c));
			gg = OR(AND(e, f), ANDNOT(e, g));
		}
		tt1 = ADD(ADD(ff, d), ADD(ss2, XOR(w[j], w[j + 4])));
		tt2 = ADD(ADD(gg, h), ADD(ss1, w[j]));
		d = c;
		c = SM3X8_ROL(b, 9);
		b = a;
		a = tt1;
		h = g;
		g = SM3X8_ROL(f, 19);
		f = e;
		e = SM3X8_P0(tt2);
	}
	s[0] = XOR(s[0], a); s[1] = XOR(s[1], b);
	s[2] = XOR(s[2], c); s[3] = XOR(s[3], d);
	s[4] = XOR(s[4], e); s[5] = XOR(s[5], f);
	s[6] = XOR(s[6], g); s[7] = XOR(s[7], h);
}

/* Up to eight messages (n <= SM3_LANES), their digests into out. */
SM3X8_TARGET static void
SM3X8(many8)(struct sm3_msg *const *msgs, int n)
{
	static const uint8_t zeros[64];
	static const uint32_t iv[8] = { 0x7380166f, 0x4914b2b9, 0x172442d7,
	    0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e };
	uint8_t scratch[SM3_LANES][64];
	const uint8_t *blk[SM3_LANES];
	struct lane ln[SM3_LANES];
	size_t most = 0;
	V s[8];

	for (int k = 0; k < 8; k++)
		s[k] = _mm256_set1_epi32((int)iv[k]);
	for (int l = 0; l < n; l++) {
		ln[l].m = msgs[l];
		ln[l].total = msgs[l]->prefix_len + msgs[l]->len;
		ln[l].nblocks = (ln[l].total + 8) / 64 + 1;
		if (ln[l].nblocks > most)
			most = ln[l].nblocks;
	}
	for (size_t i = 0; i < most; i++) {
		bool ends = false;

		for (int l = 0; l < SM3_LANES; l++) {
			if (l >= n || i >= ln[l].nblocks) {
				blk[l] = zeros;
				continue;
			}
			blk[l] = lane_block(ln[l].m, &ln[l], i, scratch[l]);
			ends = ends || i + 1 == ln[l].nblocks;
		}
		SM3X8(compress8)(s, blk);
		if (!ends)
			continue;
		{
			uint32_t st[8][SM3_LANES];

			for (int k = 0; k < 8; k++)
				_mm256_storeu_si256((V *)(void *)st[k], s[k]);
			for (int l = 0; l < n; l++) {
				unsigned char *o = msgs[l]->digest;

				if (i + 1 != ln[l].nblocks)
					continue;
				for (int k = 0; k < 8; k++) {
					o[4 * k] = (uint8_t)(st[k][l] >> 24);
					o[4 * k + 1] = (uint8_t)(st[k][l] >> 16);
					o[4 * k + 2] = (uint8_t)(st[k][l] >> 8);
					o[4 * k + 3] = (uint8_t)st[k][l];
				}
			}
		}
	}
}

#undef SM3X8_P0
#undef SM3X8_P1
