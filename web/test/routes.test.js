import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MENU_GROUPS, PAGES, ROLES, canOpen, menuForRoles, menuRolesOf } from '../src/routes.js';
import { ROLE_LABELS, userRoles } from '../src/roles.js';
import { ICONS } from '../src/icons.js';

describe('the table of pages', () => {
  it('has unique paths and names', () => {
    expect(new Set(PAGES.map((p) => p.path)).size).toBe(PAGES.length);
    expect(new Set(PAGES.map((p) => p.name)).size).toBe(PAGES.length);
  });
  it('names only known roles', () => {
    for (const p of PAGES) {
      if (Array.isArray(p.access)) for (const r of p.access) expect(ROLE_LABELS).toHaveProperty(r);
      else expect(['public', 'login']).toContain(p.access);
      for (const r of menuRolesOf(p)) expect(ROLES).toContain(r);
    }
  });
  it('gives every menu entry an icon that is registered', () => {
    for (const p of PAGES.filter((x) => x.menu)) expect(ICONS, p.path).toHaveProperty(p.menu.icon);
    for (const g of MENU_GROUPS) expect(ICONS).toHaveProperty(g.icon);
  });
  it('makes each role a menu of pages it may open, each page once', () => {
    for (const role of ROLES) {
      const menu = menuForRoles([role]);
      for (const g of menu) for (const it of g.items) {
        const page = PAGES.find((p) => p.path === it.path);
        expect(canOpen(page, [role]), `${role} ${it.path}`).toBe(true);
      }
    }
    const both = menuForRoles(['dept_admin', 'approver']).flatMap((g) => g.items.map((i) => i.path));
    expect(new Set(both).size).toBe(both.length);
  });
  it('shows /warnings to the roles that may open it, and only to them', () => {
    const w = PAGES.find((p) => p.path === '/warnings');
    for (const role of ROLES) {
      const inMenu = menuForRoles([role]).some((g) => g.items.some((i) => i.path === '/warnings'));
      expect(inMenu, role).toBe(canOpen(w, [role]));
    }
  });
  it('gives applicants the applicant role whatever the server lists', () => {
    expect(userRoles({ kind: 'person', roles: [] })).toEqual(['applicant']);
    expect(userRoles({ kind: 'staff', roles: ['clerk'] })).toEqual(['clerk']);
    expect(userRoles(null)).toEqual([]);
  });
});

describe('icons', () => {
  it('registers every <IconX> a template uses', () => {
    const files = [];
    const walk = (d) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.vue')) files.push(p);
      }
    };
    walk(new URL('../src', import.meta.url).pathname);
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/<Icon([A-Z][A-Za-z]*)/g)) {
        expect(ICONS, `${f}: Icon${m[1]}`).toHaveProperty(m[1]);
      }
    }
  });
});
