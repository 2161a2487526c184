import { describe, expect, it } from 'vitest';
import { useCursorList } from '../src/composables/useCursorList.js';

const pages = {
  '': { items: [{ id: 1 }, { id: 2 }], next_cursor: 'c2' },
  c2: { items: [{ id: 2 }, { id: 3 }], next_cursor: null },
};

describe('useCursorList', () => {
  it('loads the first page and appends the next without repeats', async () => {
    const l = useCursorList(async (c) => pages[c]);
    await l.load();
    expect(l.items.value.map((r) => r.id)).toEqual([1, 2]);
    expect(l.next.value).toBe('c2');
    await l.more();
    expect(l.items.value.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(l.next.value).toBeNull();
    await l.more(); // nothing more to fetch
    expect(l.items.value.length).toBe(3);
  });
  it('drops an answer overtaken by a newer load', async () => {
    let release;
    const slow = new Promise((r) => { release = r; });
    let calls = 0;
    const l = useCursorList(async () => {
      calls += 1;
      if (calls === 1) { await slow; return { items: [{ id: 'old' }] }; }
      return { items: [{ id: 'new' }] };
    });
    const first = l.load();
    await l.load();
    release();
    await first;
    expect(l.items.value.map((r) => r.id)).toEqual(['new']);
    expect(l.loading.value).toBe(false);
  });
  it('empties the list and reports a failed first page', async () => {
    const seen = [];
    const l = useCursorList(async () => { throw new Error('网络错误'); }, { onError: (e) => seen.push(e.message) });
    l.items.value = [{ id: 9 }];
    await l.load();
    expect(l.items.value).toEqual([]);
    expect(seen).toEqual(['网络错误']);
  });
});
