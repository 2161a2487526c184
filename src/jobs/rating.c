/* rating.c - job_rating_sweeper: the stage warnings of the bad-rating loop
 * (rating_loop_sweep()) and, when rating.default_days is set, the default
 * ratings of cases closed without one (rating_default_sweep()). */
#include "jobs/jobs.h"

#include "base/log.h"
#include "service/rating/rating.h"

static int
rating_sweeper_run(struct ctx *c, struct err *e)
{
	int raised = 0, given = 0, rc;

	rc = rating_loop_sweep(c, &raised, e);
	if (rc == 0)
		rc = rating_default_sweep(c, &given, e);
	if (rc != 0)
		return rc;
	if (raised > 0 || given > 0)
		log_info("rating sweeper: %d loop warnings, %d default ratings",
		    raised, given);
	return 0;
}

const struct job job_rating_sweeper = {
	"rating_sweeper", 30000, rating_sweeper_run, false
};
