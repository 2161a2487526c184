/* indicators.c - job_indicator_facts: keeps the indicators' facts snapshot
 * loaded (reform_facts_refresh), at start and after every change of the
 * catalogue, writing first the facts of published versions that have none
 * (a catalogue imported straight into the database). The first indicator
 * request after a start or an import then reads no facts itself. Cheap
 * when nothing changed: one look at the catalogue's stamp. */
#include "jobs/jobs.h"

#include "base/clock.h"
#include "base/log.h"
#include "service/stats/stats.h"

static int
indicator_facts_run(struct ctx *c, struct err *e)
{
	double t0 = clock_mono_ms();
	size_t loaded;
	int rc;

	rc = reform_facts_refresh(c, &loaded, e);
	if (rc == 0 && loaded > 0)
		log_info("indicators: facts of %zu versions loaded in %.0f ms",
		    loaded, clock_mono_ms() - t0);
	return rc;
}

/* Every server keeps its own snapshot: no lease. */
const struct job job_indicator_facts = {
	"indicator_facts", 30000, indicator_facts_run, true
};
