// A list that pages with the server's keyset cursor ({items, next_cursor}):
// load() fetches the first page again, more() appends the next one. An answer
// that arrives after a newer load() started (a tab switched meanwhile) is
// dropped, and rows already shown are not repeated.
import { ref } from 'vue';
import { listOf } from '../api/http.js';

// fetchPage(cursor) -> the API answer ('' for the first page).
// opts.key: the row's identity for de-duplication ('id'); opts.onPage(answer)
// runs after each page applied (the unread count); opts.onError(e) after a
// failed first page (the list is then empty).
export function useCursorList(fetchPage, opts = {}) {
  const key = opts.key === undefined ? 'id' : opts.key;
  const items = ref([]);
  const next = ref(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  let generation = 0;

  async function load() {
    const gen = ++generation;
    loading.value = true;
    try {
      const answer = await fetchPage('');
      if (gen !== generation) return;
      const page = listOf(answer);
      items.value = page.items;
      next.value = page.next;
      if (opts.onPage) opts.onPage(answer);
    } catch (e) {
      if (gen !== generation) return;
      items.value = [];
      next.value = null;
      if (opts.onError) opts.onError(e);
    } finally {
      if (gen === generation) loading.value = false;
    }
  }

  async function more() {
    if (!next.value || loadingMore.value) return;
    const gen = generation;
    loadingMore.value = true;
    try {
      const answer = await fetchPage(next.value);
      if (gen !== generation) return;
      const page = listOf(answer);
      const have = key ? new Set(items.value.map((r) => r[key])) : null;
      items.value = items.value.concat(have ? page.items.filter((r) => !have.has(r[key])) : page.items);
      next.value = page.next;
      if (opts.onPage) opts.onPage(answer);
    } catch {
      // the request layer (api/http.js) has shown the message; the button stays
    } finally {
      loadingMore.value = false;
    }
  }

  return { items, next, loading, loadingMore, load, more };
}
