// Client-side checks of an item's elements, mirroring the single-field rules
// of catalog_validate() (src/core/catalog.c) with the same Chinese messages.
// Rules that relate several elements (承诺时限与法定时限, 网办深度与等级 ...)
// are left to the server, whose 422 answer names the field.
//
// checkElements(el, draft) -> {field, message} of the first problem, or null.

const BASIC_RE = /^[0-9A-Z]{12}$/;
const HANDLE_RE = /^[0-9A-Za-z_-]*$/;
const DAYS_MAX = 720;

function chars(s) {
  return [...String(s || '')].length;
}

function phoneValid(s) {
  if (s.length < 5 || s.length > 40) return false;
  if (!/^[0-9\-+() ]+$/.test(s)) return false;
  return (s.match(/[0-9]/g) || []).length >= 5;
}

export function checkElements(el, draft = true) {
  const fail = (field, message) => ({ field, message });
  const text = (field, lbl, v, required, max) => {
    if (!v) return required && !draft ? fail(field, `请填写${lbl}`) : null;
    if (chars(v) > max) return fail(field, `${lbl}不能超过 ${max} 个字`);
    return null;
  };
  let r;

  if (!el.basic_code) {
    if (!draft) return fail('basic_code', '请填写基本编码');
  } else if (!BASIC_RE.test(el.basic_code)) {
    return fail('basic_code', '基本编码须为12位数字或大写字母（如 000104002000）');
  }
  if (!el.impl_code) {
    if (!draft) return fail('impl_code', '请填写实施编码');
  } else if (el.impl_code.length !== 31) {
    return fail('impl_code', '实施编码须为31位：18位统一社会信用代码＋1位行使层级＋12位基本编码');
  }
  if ((el.handle_code || '').length > 50) return fail('handle_code', '业务办理项编码不能超过50位');
  if (!HANDLE_RE.test(el.handle_code || '')) return fail('handle_code', '业务办理项编码只能包含字母、数字、“-”和“_”');
  if (!el.type && !draft) return fail('type', '请选择事项类型');
  if ((r = text('name', '事项名称', el.name, true, 100))) return r;
  if ((r = text('dept', '实施主体', el.dept, true, 100))) return r;
  if (!el.level && !draft) return fail('level', '请选择行使层级');
  if ((r = text('legal_basis', '设定依据', el.legal_basis, true, 5000))) return r;
  if (!(el.objects || []).length && !draft) return fail('objects', '请至少选择一类服务对象');
  if ((r = text('conditions', '受理条件', el.conditions, true, 5000))) return r;

  const names = new Set();
  for (const [i, m] of (el.materials || []).entries()) {
    if ((r = text(`materials[${i}].name`, '材料名称', m.name, true, 100))) return r;
    if (m.name && names.has(m.name)) return fail(`materials[${i}].name`, `申请材料“${m.name}”重复`);
    names.add(m.name);
    if (!draft) {
      if (!m.necessity) return fail(`materials[${i}].necessity`, `请选择材料“${m.name}”的必要性`);
      if (!m.form) return fail(`materials[${i}].form`, `请选择材料“${m.name}”的材料形式`);
      if (!m.kind) return fail(`materials[${i}].kind`, `请选择材料“${m.name}”的材料类型`);
      if (!m.source) return fail(`materials[${i}].source`, `请选择材料“${m.name}”的来源渠道`);
    }
    const c = Number(m.copies);
    if (!Number.isInteger(c) || c < 0 || c > 99) return fail(`materials[${i}].copies`, '材料份数须为0–99');
  }

  const sd = el.statutory_days;
  if (sd !== null && sd !== undefined && (!Number.isInteger(sd) || sd < 0 || sd > DAYS_MAX)) {
    return fail('statutory_days', `法定办结时限须为0–${DAYS_MAX}个工作日`);
  }
  const pd = el.promised_days;
  if (pd === null || pd === undefined || pd === '') {
    if (!draft) return fail('promised_days', '请填写承诺办结时限');
  } else if (!Number.isInteger(pd) || pd < 0 || pd > DAYS_MAX) {
    return fail('promised_days', `承诺办结时限须为0–${DAYS_MAX}个工作日`);
  }
  if (!el.case_kind && !draft) return fail('case_kind', '请选择办件类型（即办件或承诺件）');

  if (el.fee_charged && !draft) {
    if (!el.fee_basis) return fail('fee_basis', '收费事项须填写收费依据');
    if (!(el.fee_items || []).length) return fail('fee_items', '收费事项须至少列明一个收费项目');
  }
  for (const [i, f] of (el.fee_items || []).entries()) {
    if ((r = text(`fee_items[${i}].name`, '收费项目名称', f.name, true, 100))) return r;
    if ((r = text(`fee_items[${i}].standard`, '收费标准', f.standard, true, 300))) return r;
    if ((r = text(`fee_items[${i}].reduce_basis`, '减免依据', f.reduce_basis, !!f.reducible, 5000))) return r;
  }

  if (!(el.handling_forms || []).length && !draft) return fail('handling_forms', '请至少选择一种办理形式');
  if (!el.online_level && !draft) return fail('online_level', '请选择网办深度等级（Ⅰ–Ⅳ级）');
  if (el.online_url && !/^https?:\/\/[^\s"<>]+$/.test(el.online_url)) {
    return fail('online_url', '网上办理地址须为 http:// 或 https:// 开头的网址');
  }
  const v = el.visits;
  if (v !== null && v !== undefined && v !== '' && (!Number.isInteger(v) || v < 0 || v > 9)) {
    return fail('visits', '到办事现场次数须为0–9');
  }
  if (!draft && v > 0 && !el.visit_reason) return fail('visit_reason', '到办事现场次数不为0时须说明必须现场办理的原因');

  if ((r = text('result_name', '审批结果名称', el.result_name, true, 100))) return r;
  if (!el.result_type && !draft) return fail('result_type', '请选择审批结果类型');
  if (!(el.delivery || []).length && !draft) return fail('delivery', '请至少选择一种结果送达方式');
  if (!el.tongban && !draft) return fail('tongban', '请选择通办范围');

  if (!el.consult_phone) {
    if (!draft) return fail('consult_phone', '请填写咨询电话');
  } else if (!phoneValid(el.consult_phone)) {
    return fail('consult_phone', '咨询电话格式不正确（如 0915-7812345）');
  }
  if (!el.complaint_phone) {
    if (!draft) return fail('complaint_phone', '请填写监督投诉电话');
  } else if (!phoneValid(el.complaint_phone)) {
    return fail('complaint_phone', '监督投诉电话格式不正确（如 0915-12345）');
  }
  for (const [i, f] of (el.faq || []).entries()) {
    if ((r = text(`faq[${i}].q`, '常见问题', f.q, true, 300))) return r;
    if ((r = text(`faq[${i}].a`, '问题解答', f.a, true, 5000))) return r;
  }
  if ((r = text('place', '办理地点', el.place, true, 300))) return r;
  if ((r = text('hours', '办理时间', el.hours, true, 300))) return r;
  return null;
}

// An empty item for "新建事项".
export function blankElements(deptName = '') {
  return {
    basic_code: '', impl_code: '', handle_code: '', type: '01', name: '', dept: deptName, level: 4,
    legal_basis: '', objects: [1], conditions: '', materials: [], statutory_days: 20, promised_days: 10,
    time_note: '', case_kind: 2, fee_charged: false, fee_basis: '', fee_items: [], handling_forms: [1, 2],
    online_depth: '1^2^3', online_level: 3, online_url: '', visits: 1, visit_reason: '', stationed: true,
    window_authorised: true, rongque: false, commitment: false, high_risk: false, result_name: '',
    result_type: 'licence', delivery: ['window'], tongban: 'none', consult_phone: '', complaint_phone: '0915-12345',
    faq: [], place: '白河县政务服务中心', hours: '法定工作日 上午8:30—12:00，下午14:30—18:00', themes: [],
  };
}

export function blankMaterial() {
  return { name: '', necessity: 'required', form: 'both', kind: 'original', copies: 1, source: 'self',
    blank_form: null, sample: null, notes: '' };
}
