// Shared helpers of the case pages: labels, colours, date formatting, list
// shapes, and file upload (api/files.js).
import { ElMessage } from 'element-plus';
import { ApiError } from '../../api/http.js';
import * as files from '../../api/files.js';
import { fmtDay, fmtTime } from '../../lib/format.js';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const UPLOAD_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
export const UPLOAD_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

export const NECESSITY = {
  required: { label: '必要', type: 'danger' },
  optional: { label: '非必要', type: 'info' },
  rongque: { label: '容缺可后补', type: 'warning' },
};

export const MATERIAL_STATUS = {
  provided: { label: '已提交', type: 'success' },
  missing: { label: '未提交', type: 'info' },
  rongque: { label: '容缺待补', type: 'warning' },
  flawed: { label: '需补正', type: 'danger' },
};

export const WARN = {
  green: { label: '时限正常', type: 'success' },
  yellow: { label: '临期预警', type: 'warning' },
  red: { label: '超期', type: 'danger' },
  paused: { label: '暂停计时', type: 'info' },
};

export const MODE_LABELS = { normal: '一般受理', rongque: '容缺受理', commitment: '告知承诺受理' };
export const CHANNEL_LABELS = { online: '网上申报', window: '窗口申报' };
export const DELIVERY_LABELS = { window: '窗口领取', post: '邮寄送达', download: '网上下载', e_licence: '电子证照' };

export const SPECIAL_KINDS = [
  { value: 'hearing', label: '听证' },
  { value: 'inspection', label: '检验检测' },
  { value: 'expert', label: '专家评审' },
  { value: 'site', label: '现场踏勘' },
  { value: 'publicity', label: '公示' },
];

export const STATE_LABELS = {
  submitted: '待受理', supplement: '待补正', accepted: '已受理', review: '审查中', suspended: '暂停计时',
  decide: '待决定', certify: '制证中', done: '已办结', rejected: '不予受理', denied: '不予许可',
  withdrawn: '已撤回', terminated: '已退办', revoked: '已撤销',
};

export const ROLE_NAMES = {
  applicant: '申请人', clerk: '窗口人员', approver: '审批人员', dept_admin: '部门管理员',
  hall_admin: '大厅管理员', supervisor: '督查人员', sysadmin: '系统管理员', system: '系统',
};

export const TERMINAL_STATES = ['done', 'rejected', 'denied', 'withdrawn', 'terminated', 'revoked'];

// Element Plus tag type for a case state.
export function stateTagType(state) {
  if (state === 'done') return 'success';
  if (['rejected', 'denied', 'terminated', 'revoked'].includes(state)) return 'danger';
  if (state === 'withdrawn') return 'info';
  if (state === 'supplement' || state === 'suspended') return 'warning';
  return 'primary';
}

// Rows of a list answer: [..] or {items:[..]}.
export function rows(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  return [];
}

export { fmtTime, fmtDay };

export function fmtSize(n) {
  if (!n && n !== 0) return '';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

// "剩余 3 个工作日" / "已超期 2 个工作日" / "" for a case summary.
export function remainingText(c) {
  if (!c || c.remaining_days === null || c.remaining_days === undefined) return '';
  if (TERMINAL_STATES.includes(c.state)) return '';
  if (c.warn_level === 'paused') return '暂停计时';
  if (c.remaining_days < 0) return `已超期 ${-c.remaining_days} 个工作日`;
  if (c.remaining_days === 0) return '今日到期';
  return `剩余 ${c.remaining_days} 个工作日`;
}

export function typeLabel(ct) {
  if (ct === 'application/pdf') return 'PDF';
  if (ct === 'image/jpeg') return 'JPG';
  if (ct === 'image/png') return 'PNG';
  return ct || '';
}

// Checks a chosen file before it is sent; returns a Chinese message or ''.
export function checkFile(file) {
  const name = (file.name || '').toLowerCase();
  const okType = UPLOAD_TYPES.includes(file.type) || /\.(pdf|jpe?g|png)$/.test(name);
  if (!okType) return '仅支持 PDF、JPEG、PNG 格式';
  if (file.size > MAX_UPLOAD_BYTES) return '文件不能超过 20 MB';
  if (file.size === 0) return '文件内容为空';
  return '';
}

// Uploads one file; resolves {sha256, content_type, size, name}. Errors
// are thrown as ApiError with the server's Chinese message.
export async function uploadFile(file) {
  const bad = checkFile(file);
  if (bad) throw new ApiError(400, 'invalid_file', bad);
  let type = file.type;
  if (!type) {
    const n = file.name.toLowerCase();
    type = n.endsWith('.pdf') ? 'application/pdf' : n.endsWith('.png') ? 'image/png' : 'image/jpeg';
  }
  const data = await files.upload(file, {
    name: file.name,
    contentType: type,
    quiet: true,
    messages: { 413: '文件不能超过 20 MB', 415: '仅支持 PDF、JPEG、PNG 格式' },
  });
  return { ...data, name: file.name, size: data && data.size ? data.size : file.size };
}

// Runs a case write; a 409 shows its message and calls refresh().
export async function caseWrite(fn, refresh) {
  try {
    return await fn();
  } catch (e) {
    if (e && e.status === 409 && refresh) await refresh();
    throw e;
  }
}

export function notifyOk(msg) {
  ElMessage.success(msg);
}

// GET /api/my/materials normalised for the reuse picker:
// [{sha256, name, content_type, size, certificate, when}].
export async function loadLibrary() {
  let data;
  try {
    data = await files.myMaterials({ quiet: true });
  } catch {
    return [];
  }
  const list = [];
  const add = (m, cert) => {
    if (!m || !m.sha256) return;
    list.push({
      sha256: m.sha256,
      name: m.name || m.title || m.kind_label || m.material_name || '材料',
      content_type: m.content_type || 'application/pdf',
      size: m.size || 0,
      certificate: cert || m.source === 'certificate' || m.kind === 'certificate' || !!m.doc_no,
      when: fmtTime(m.created_at || m.issued_at),
    });
  };
  if (Array.isArray(data) || (data && Array.isArray(data.items))) for (const m of rows(data)) add(m, false);
  if (data && Array.isArray(data.uploads)) for (const m of data.uploads) add(m, false);
  if (data && Array.isArray(data.certificates)) for (const m of data.certificates) add(m, true);
  // Certificates first: they are what 减材料 is about.
  list.sort((a, b) => Number(b.certificate) - Number(a.certificate));
  return list;
}

// GET /api/guide/items/:id in one flat shape.
export function normItem(d, id) {
  if (!d) return null;
  const base = d.item || d;
  const el = d.elements || base.elements || (d.published && d.published.elements) || base;
  const dept = d.dept || base.dept_obj || {};
  return {
    id: base.id || d.id || Number(id),
    name: el.name || base.name || '',
    dept_name: base.dept_name || dept.name || (typeof el.dept === 'string' ? el.dept : ''),
    type_label: base.type_label || el.type_label || '',
    case_kind: el.case_kind || base.case_kind,
    promised_days: el.promised_days ?? base.promised_days,
    statutory_days: el.statutory_days ?? base.statutory_days,
    conditions: el.conditions || '',
    materials: Array.isArray(el.materials) ? el.materials : [],
    form_fields: Array.isArray(el.form_fields) ? el.form_fields : [],
    rongque: !!el.rongque,
    commitment: !!el.commitment,
    delivery: Array.isArray(el.delivery) ? el.delivery : [],
    objects: Array.isArray(el.objects) ? el.objects : [],
    visits: el.visits,
    place: el.place || '',
    windows: rows(d.windows),
  };
}

// Promised time in words.
export function daysText(it) {
  if (!it) return '';
  if (it.case_kind === 1 || it.promised_days === 0) return '即办件（当场办结）';
  if (it.promised_days) return `承诺件，${it.promised_days} 个工作日`;
  return '';
}
