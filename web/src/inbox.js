// The unread count of the in-app inbox, shown by the bell in the top bar.
// Refreshed every 60 s and on route changes with GET
// /api/notifications?limit=1 (one indexed count; the answer carries
// "unread"); calls while one is under way share it. The notifications page
// sets it directly after marking messages read.
import { reactive } from 'vue';
import * as notifications from './api/notifications.js';
import { session } from './session.js';

export const inbox = reactive({ unread: 0 });

let pending = null;

export function setUnread(n) {
  inbox.unread = Number(n) > 0 ? Number(n) : 0;
}

export async function refreshUnread() {
  if (!session.user) {
    inbox.unread = 0;
    return;
  }
  if (pending) return pending;
  pending = notifications.list({ limit: 1 }, { quiet: true, noRedirect: true })
    .then((d) => setUnread(d && d.unread))
    .catch(() => {})
    .finally(() => { pending = null; });
  return pending;
}

// Link of a notification's case for the user's role: the applicant's own
// case page, the window or the approval desk; hall and supervisors go to
// the warnings list.
export function caseLink(user, caseId, roles) {
  if (!caseId) return '';
  if (user && user.kind && user.kind !== 'staff') return `/my/cases/${caseId}`;
  if (roles.includes('approver') || roles.includes('dept_admin')) return `/approve/cases/${caseId}`;
  if (roles.includes('clerk')) return `/window/cases/${caseId}`;
  if (roles.includes('supervisor') || roles.includes('hall_admin')) return '/warnings';
  return '';
}
