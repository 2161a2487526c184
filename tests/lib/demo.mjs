// The demo accounts created by `onetrip demo` (all share one password).
export const DEMO = Object.freeze({
	password: 'Baihe@2024',
	admin: 'admin',
	hall: 'hall',
	ducha: 'ducha',
	window01: 'window01',
	scjg_clerk: 'scjg_clerk',
	scjg_sp: 'scjg_sp',
	scjg_admin: 'scjg_admin',
	zj_sp: 'zj_sp',
	zj_admin: 'zj_admin',
	zj_clerk: 'zj_clerk',
	person: '61092919900315001X',
	person2: '610929198511080025',
	enterprise: '91610929MA0BHE001T',
});
