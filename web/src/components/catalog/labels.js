// Code tables of the catalogue elements (src/core/catalog.c) and of the
// hall (migration 010), with their Chinese labels, shared by the guide,
// catalogue management and hall pages.

export const ITEM_TYPES = [
  ['01', '行政许可'], ['05', '行政给付'], ['07', '行政确认'], ['08', '行政奖励'],
  ['09', '行政裁决'], ['10', '其他行政权力'], ['11', '行政备案'], ['20', '公共服务'],
  ['00', '行政权力事项'], ['02', '行政处罚'], ['03', '行政强制'], ['04', '行政征收'], ['06', '行政检查'],
];
const TYPE_MAP = Object.fromEntries(ITEM_TYPES);
export function typeLabel(code, fallback) {
  return fallback || TYPE_MAP[code] || code || '';
}

export const LEVELS = [[1, '国家级'], [2, '省级'], [3, '市级'], [4, '县级'], [5, '乡镇（街道）级'], [6, '村（社区）级'], [7, '分级管理']];
export const OBJECTS = [[1, '自然人'], [2, '企业法人'], [3, '事业法人'], [4, '社会组织法人'], [5, '行政机关'], [6, '其他组织']];
export const HANDLING_FORMS = [[1, '窗口办理'], [2, '电脑端网上办理'], [3, '移动端办理'], [4, '快递申请'], [9, '其他']];
export const ONLINE_LEVELS = [[1, 'Ⅰ级（办事指南）'], [2, 'Ⅱ级（网上收件）'], [3, 'Ⅲ级（网上预审）'], [4, 'Ⅳ级（全程网办）']];
export const ONLINE_LEVEL_SHORT = { 1: 'Ⅰ级', 2: 'Ⅱ级', 3: 'Ⅲ级', 4: 'Ⅳ级' };
export const DEPTHS = [[1, '互联网咨询'], [2, '互联网收件'], [3, '互联网预审'], [4, '互联网受理'], [5, '互联网办理'],
  [6, '互联网办理结果信息反馈'], [7, '互联网电子证照反馈'], [8, '其他']];
export const CASE_KINDS = [[1, '即办件'], [2, '承诺件']];
export const NECESSITY = [['required', '必要'], ['optional', '非必要（视情形提交）'], ['rongque', '容缺可后补']];
export const MFORMS = [['paper', '纸质'], ['electronic', '电子'], ['both', '纸质和电子']];
export const MKINDS = [['original', '原件'], ['copy', '复印件'], ['original_and_copy', '原件和复印件'], ['original_or_copy', '原件或复印件']];
export const SOURCES = [['self', '申请人自备'], ['government', '政府部门核发'], ['licence_lib', '电子证照库调取'], ['online_form', '在线填报'], ['other', '其他']];
export const RESULT_TYPES = [['licence', '证照'], ['approval', '批文'], ['other', '其他']];
export const DELIVERY = [['window', '窗口领取'], ['post', '邮寄送达'], ['download', '网上下载'], ['e_licence', '电子证照']];
export const TONGBAN = [['none', '不通办'], ['cross_county', '跨县通办'], ['cross_city', '跨市通办'], ['cross_province', '跨省通办'], ['national', '全国通办']];

export const PERSON_THEMES = [
  ['birth', '生育收养'], ['household', '户籍办理'], ['education', '教育科研'], ['employment', '就业创业'],
  ['social_security', '社会保障'], ['medical', '医疗卫生'], ['marriage', '婚姻登记'], ['housing', '住房保障'],
  ['transport', '交通出行'], ['retirement', '退休养老'], ['veteran', '优待抚恤'], ['disability', '残疾人服务'],
  ['death', '死亡殡葬'], ['culture', '文化体育'], ['utilities', '水电气信'],
];
export const ENTERPRISE_THEMES = [
  ['establish', '设立变更'], ['permit', '准营准办'], ['construction', '工程建设'], ['tax', '纳税缴费'],
  ['utilities', '水电气信'], ['labour', '劳动用工'], ['qualification', '资质认定'], ['environment', '环境保护'],
  ['safety', '安全生产'], ['agriculture', '农林牧渔'], ['trade', '商务贸易'], ['cancel', '注销清算'],
];
export const THEMES = [...PERSON_THEMES, ...ENTERPRISE_THEMES.filter(([c]) => c !== 'utilities')];

export const ITEM_STATUS = { draft: '未发布', published: '已发布', withdrawn: '已撤回' };
export const VERSION_STATUS = { draft: '草稿', submitted: '待审核', published: '已发布', returned: '已退回', superseded: '已失效' };
export const VERSION_STATUS_TYPE = { draft: 'info', submitted: 'warning', published: 'success', returned: 'danger', superseded: 'info' };
export const REQUEST_STATUS = { pending: '待审批', approved: '已批准', rejected: '已驳回' };
export const REQUEST_STATUS_TYPE = { pending: 'warning', approved: 'success', rejected: 'danger' };
export const WITHDRAW_SCOPE = { hall: '撤出政务大厅', online: '停止网上办理' };
export const STAFF_CHANGE_KIND = {
  move: '调整窗口', remove: '撤出大厅', add: '新增进驻',
  create: '新设账户', roles: '调整角色', disable: '停用账户', enable: '启用账户',
};

export const WINDOW_KINDS = [['comprehensive', '综合窗口'], ['dedicated', '部门专窗'], ['cannot_do', '“办不成事”反映窗口'], ['assist', '帮办代办'], ['consult', '咨询导办']];
export const STATIONING = [['full', '成建制进驻'], ['delegated', '委托综合窗口受理'], ['none', '未进驻']];
export const DEPT_KINDS = [['government', '政府部门'], ['institution', '事业单位'], ['utility', '公共服务企业']];

export const FIELD_LABELS = {
  basic_code: '基本编码', impl_code: '实施编码', handle_code: '业务办理项编码', type: '事项类型', name: '事项名称',
  dept: '实施主体', level: '行使层级', legal_basis: '设定依据', objects: '服务对象', conditions: '受理条件',
  materials: '申请材料', statutory_days: '法定办结时限', promised_days: '承诺办结时限', time_note: '时限说明',
  case_kind: '办件类型', fee_charged: '是否收费', fee_basis: '收费依据', fee_items: '收费项目',
  handling_forms: '办理形式', online_depth: '网上办理深度', online_level: '网办深度等级', online_url: '网上办理地址',
  visits: '到办事现场次数', visit_reason: '必须现场办理原因说明', stationed: '是否进驻政务大厅',
  window_authorised: '窗口审批决定权', rongque: '容缺受理', commitment: '告知承诺', high_risk: '高风险事项',
  result_name: '审批结果名称', result_type: '审批结果类型', delivery: '结果送达方式', tongban: '通办范围',
  consult_phone: '咨询电话', complaint_phone: '监督投诉电话', faq: '常见问题', place: '办理地点', hours: '办理时间',
  themes: '主题分类',
};

// Looks a code up in one of the [code, label] tables above.
export function label(table, code) {
  const row = table.find(([c]) => String(c) === String(code));
  return row ? row[1] : (code ?? '');
}
export function labels(table, codes) {
  return (Array.isArray(codes) ? codes : []).map((c) => label(table, c)).join('、');
}

// "3^4^5" -> [3, 4, 5]
export function depthCodes(s) {
  if (Array.isArray(s)) return s.map(Number);
  return String(s || '').split('^').filter(Boolean).map(Number);
}

export function daysText(n) {
  if (n === null || n === undefined || n === -1) return '法律法规未规定';
  if (n === 0) return '即时办结';
  return n + '个工作日';
}

export function visitsText(n) {
  if (n === null || n === undefined || n < 0) return '—';
  if (n === 0) return '零跑动';
  return `${n}次`;
}

// Unified display of any element value (used by the version differences).
export function elementValue(field, v) {
  if (v === null || v === undefined || v === '') return '（空）';
  const base = field.split(/[/[.]/)[0];
  switch (base) {
    case 'type': return typeLabel(v);
    case 'level': return label(LEVELS, v);
    case 'objects': return labels(OBJECTS, v);
    case 'handling_forms': return labels(HANDLING_FORMS, v);
    case 'online_level': return label(ONLINE_LEVELS, v);
    case 'online_depth': return depthCodes(v).map((c) => label(DEPTHS, c)).join('、');
    case 'case_kind': return label(CASE_KINDS, v);
    case 'statutory_days': case 'promised_days': return daysText(v);
    case 'result_type': return label(RESULT_TYPES, v);
    case 'delivery': return labels(DELIVERY, v);
    case 'tongban': return label(TONGBAN, v);
    case 'themes': return labels(THEMES, v);
    default: break;
  }
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? objText(x) : String(x))).join('；');
  if (typeof v === 'object') return objText(v);
  return String(v);
}

function objText(o) {
  if (!o) return '';
  if ('q' in o) return `问：${o.q} 答：${o.a}`;
  if ('standard' in o) return `${o.name}（${o.standard}${o.reducible ? '，可减免' : ''}）`;
  if ('necessity' in o) {
    return [o.name, label(NECESSITY, o.necessity), label(MKINDS, o.kind), `${o.copies ?? 0}份`,
      label(SOURCES, o.source)].filter(Boolean).join('，') + (o.notes ? `；${o.notes}` : '');
  }
  return JSON.stringify(o);
}
