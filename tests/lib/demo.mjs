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

// Valid electronic-form values of the demo items that define form fields
// (data/catalog/items.json "form_fields"), with the ticked 申请人承诺.
// An online application of such an item sends one of these as its form.
export const DEMO_FORMS = Object.freeze({
	'食品经营许可（新办）': {
		legal_rep: '王建国', premises: '白河县城关镇新华街12号一层',
		business_type: '餐饮服务经营者', business_items: ['热食类食品制售', '冷食类食品制售'],
		area: 86, safety_manager: '李秀兰', pledge: true,
	},
	'个体工商户设立登记': {
		premises: '白河县城关镇解放路18号', organisation: '个人经营',
		business_scope: '日用百货零售', capital: 5, pledge: true,
	},
	'出版物零售业务经营许可': {
		operator_name: '白河县秦岭书店有限公司', legal_rep: '王建国', rep_idno: '610929199001010013',
		premises: '白河县城关镇新华街8号', area: 120, business_items: ['图书零售', '期刊零售'],
		contact_mobile: '13991500001', pledge: true,
	},
});

// The form of an online application of a demo item: its electronic form
// (when it has one) merged with extra members.
export function demoForm(itemName, extra = {}) {
	return { ...(DEMO_FORMS[itemName] || {}), ...extra };
}
