// The signed-in user, shared by every page. Loaded once at start-up from
// GET /api/me; set by login, cleared by logout or a 401.
import { reactive } from 'vue';

export const session = reactive({
  loaded: false,
  user: null,
});

export function setUser(user) {
  session.user = user || null;
}

export function clearUser() {
  session.user = null;
}
