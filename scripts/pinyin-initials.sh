#!/bin/sh
# Writes data/pinyin/initials.txt, the pinyin initial of every GB2312
# character (levels 1 and 2, 6763 characters), used by the catalogue search
# (core/pinyin.c: "yyzz" finds 营业执照). Run once; the output is kept in the
# tree. Needs python3 and uconv (ICU, Debian icu-devtools): ICU gives one
# reading per character; the common second readings of the polyphones met in
# item names are added from the list below.
set -eu
out=${1:-data/pinyin/initials.txt}
python3 - "$out" <<'PY'
import subprocess, sys
chars = []
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.append(bytes([hi, lo]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
text = '\n'.join(chars)
lat = subprocess.run(['uconv', '-x', 'Han-Latin; Latin-ASCII'], input=text,
                     capture_output=True, text=True, check=True).stdout.split('\n')
by = {}
for ch, p in zip(chars, lat):
    p = p.strip().lower()
    if p and 'a' <= p[0] <= 'z':
        by.setdefault(p[0], []).append(ch)
# Second readings: 行 hang (银行), 长 zhang, 重 chong, 乐 yue, 调 diao,
# 藏 zang, 传 zhuan, 单 shan, 都 du, 参 shen, 处 chu, 便 pian, 给 ji,
# 种 zhong, 省 xing, 会 kuai, 区 ou, 曾 zeng, 还 hai, 校 jiao, 率 lv.
extra = {'h': '行还', 'z': '长重藏传种曾', 'c': '重藏传参处长', 'y': '乐',
         'd': '调都单', 's': '单参省', 'p': '便', 'j': '给校', 'x': '省行',
         'k': '会', 'o': '区', 'l': '率乐', 'q': '区', 't': '调', 'b': '便'}
for k, v in extra.items():
    for ch in v:
        if ch not in by.setdefault(k, []):
            by[k].append(ch)
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    f.write('# The pinyin initial of the GB2312 characters (scripts/pinyin-initials.sh):\n')
    f.write('# one line per initial letter; a polyphone is on each of its lines.\n')
    for k in sorted(by):
        f.write(k + ' ' + ''.join(by[k]) + '\n')
PY
