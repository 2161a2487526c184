/* renderer.c - the background job that turns pending case documents into
 * sealed PDFs (service/documents.c does the work). */
#include "jobs/jobs.h"

#include "base/clock.h"
#include "base/log.h"
#include "service/documents.h"

#define RENDER_BATCH 20      /* documents claimed per transaction round */
#define RENDER_SLICE_MS 2000 /* a backlog is drained in slices this long, so
                              * that the other jobs still get their turn */

static int
run(struct ctx *c, struct err *e)
{
	double t0 = clock_mono_ms();
	int done, total = 0, rc;

	/* Keep going while rounds come back full: at peaks (hundreds of case
	 * lives a second, two or three documents each) documents are made far
	 * faster than one batch per interval could render them. */
	do {
		done = 0;
		rc = documents_render_pending(c, RENDER_BATCH, &done, e);
		total += done;
	} while (rc == 0 && done == RENDER_BATCH &&
	    clock_mono_ms() - t0 < RENDER_SLICE_MS);
	if (total > 0)
		log_debug("renderer: %d document(s) ready", total);
	return rc;
}

const struct job job_document_renderer = { "document_renderer", 500, run };
