/* renderer.c - the background job that turns pending case documents into
 * sealed PDFs (service/documents.c does the work). */
#include "jobs/jobs.h"

#include "base/log.h"
#include "service/documents.h"

#define RENDER_BATCH 20  /* documents per round; the rest wait a round */

static int
run(struct ctx *c, struct err *e)
{
	int done = 0, rc;

	rc = documents_render_pending(c, RENDER_BATCH, &done, e);
	if (done > 0)
		log_debug("renderer: %d document(s) ready", done);
	return rc;
}

const struct job job_document_renderer = { "document_renderer", 500, run };
