// The window's local device service (docs/devices.md): the ID-card reader
// and the document camera (高拍仪) on the clerk's own machine, at the
// address the server gives in /api/me (devices_url, setting devices.url).

const TIMEOUT_MS = 8000;

async function call(base, path, init) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  try {
    const r = await fetch(base.replace(/\/$/, '') + path, { ...init, signal: ctl.signal, cache: 'no-store' });
    if (!r.ok) {
      let msg = '';
      try { msg = (await r.json()).message || ''; } catch { /* not JSON */ }
      throw new Error(msg || `设备服务答复错误（${r.status}）`);
    }
    return r;
  } catch (e) {
    if (e.name === 'AbortError') throw new Error('设备服务无响应，请检查读卡器或高拍仪是否连接', { cause: e });
    if (e instanceof TypeError) throw new Error('未连接本机设备服务，请确认读卡器、高拍仪的服务程序已启动', { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

// The card on the reader: {name, idno, address, sex, nation, birth, ...}.
export async function readIdCard(base) {
  const card = await (await call(base, '/idcard', { method: 'GET' })).json();
  if (!card || typeof card.idno !== 'string' || typeof card.name !== 'string') {
    throw new Error('读卡器返回的数据不完整，请重新放置身份证');
  }
  return card;
}

// One shot of the document camera as a File (JPEG or PNG).
export async function capture(base, name) {
  const r = await call(base, '/capture', { method: 'POST' });
  const type = (r.headers.get('Content-Type') || '').split(';')[0].trim();
  if (type !== 'image/jpeg' && type !== 'image/png') throw new Error('高拍仪返回的不是图片');
  const blob = await r.blob();
  return new File([blob], `${name}.${type === 'image/png' ? 'png' : 'jpg'}`, { type });
}
