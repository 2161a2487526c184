/* pdfrender.c - the PDF step alone: renders the same 受理通知书 (title,
 * number, addressee, three paragraphs, a materials table, the organ, the
 * date, the seal and the verification QR code) N times in one thread,
 * each with its own document number, verification link, addressee and
 * first paragraph (the text that changes from one real notice to the next,
 * which the layout cache cannot keep), and prints the CPU time per
 * document (getrusage: user + system). Built by bench/docs.sh against the
 * release objects.
 *   build/bench/pdfrender [N] [out.pdf] */
#include <stdio.h>
#include <stdlib.h>

#include "cputime.h"
#include "docs/pdf.h"

static const char *paras[] = {
	"你（单位）于二〇二六年十一月二十七日提出的食品经营许可（新办）申请，"
	"经审查，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》"
	"第三十二条第一款第（五）项的规定，决定予以受理。",
	"本机关将自受理之日起二十个工作日内作出行政许可决定（依法需要听证、"
	"检验、检测、鉴定和专家评审的时间不计算在内）。已收取的申请材料如下：",
	"如对本通知有异议，可自收到本通知之日起六十日内向白河县人民政府申请"
	"行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
};
static const char *const head[] = { "序号", "材料名称", "份数", "形式" };
static const char *const cells[] = { "1", "营业执照", "1", "电子", "2",
	"法定代表人身份证明", "1", "电子", "3", "经营场所证明", "1", "纸质",
	"4", "食品安全管理制度", "1", "电子" };

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	struct pdf_table t = { 4, head, NULL, 4, cells };
	struct pdf_doc d = { 0 };
	char no[64], url[128], who[64], first[512];
	struct buf b;
	struct err e;
	size_t len = 0;
	double c0;

	d.title = "受理通知书";
	d.addressee = "白河县秦岭餐饮有限公司";
	d.paragraphs = paras;
	d.nparagraphs = 3;
	d.table = &t;
	d.table_after = 2;
	d.dept_name = "白河县市场监督管理局";
	d.date = "2026-11-28";
	d.sealed = true;
	/* Warm-up: fonts loaded, glyphs and the seal cached. */
	d.doc_no = "白审受字〔2026〕第0000号";
	d.verify_url = "http://127.0.0.1:8080/v/ACC-2026-0000";
	buf_init(&b, 0);
	if (pdf_render(&d, &b, &e) != 0) {
		fprintf(stderr, "pdfrender: %s\n", e.msg);
		return 1;
	}
	if (argc > 2) {
		FILE *f = fopen(argv[2], "wb");

		if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len)
			return 1;
		fclose(f);
	}
	buf_release(&b);
	c0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		snprintf(no, sizeof(no), "白审受字〔2026〕第%04d号", i + 1);
		snprintf(url, sizeof(url),
		    "http://127.0.0.1:8080/v/ACC-2026-%04d?s=5d1c0e7a", i + 1);
		snprintf(who, sizeof(who), "白河县第%d餐饮有限公司", i + 1);
		snprintf(first, sizeof(first), "你（单位）于二〇二六年十一月二十七日"
		    "提出的食品经营许可（新办）申请（申请编号 SQ2026%06d），经审查，"
		    "申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》"
		    "第三十二条第一款第（五）项的规定，决定予以受理。", i + 1);
		d.doc_no = no;
		d.verify_url = url;
		d.addressee = who;
		paras[0] = first;
		buf_init(&b, 0);
		if (pdf_render(&d, &b, &e) != 0) {
			fprintf(stderr, "pdfrender: %s\n", e.msg);
			return 1;
		}
		len = b.len;
		buf_release(&b);
	}
	c0 = cpu_seconds() - c0;
	printf("pdf alone: %d documents, %.3f ms CPU per document (%.0f per "
	    "CPU-second), %zu bytes each\n", n, c0 * 1000 / n, n / c0, len);
	docs_fonts_release();
	return 0;
}
