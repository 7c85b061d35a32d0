"""Fictional counties for the variant farm: names, pinyin, hosts, codes, parent cities.

A variant's county must look real (two characters + 县/区, a pinyin domain) but must not be a
real county, so a crawl of the variant farm can never be mistaken for one of a real portal and a
report title can never name a real agency. Names are drawn from a table of place-name
characters, one per pinyin syllable, so that two different names never share a pinyin host.
(family, seed) maps one-to-one onto a slot of the table (see :func:`slot`); real county stems
(``crawler/data/counties.csv``) and the sample farm's names are skipped.
"""

from __future__ import annotations

import csv
import functools
import random
from pathlib import Path

# one character per pinyin syllable: the syllable is the domain, the character the name
_TABLE = (
    "an安 ao敖 ba巴 bai柏 ban板 bao宝 bei北 ben本 bi碧 bin滨 bo博 bu布 cai彩 can灿 "
    "cang苍 cao曹 cen岑 chang昌 chao朝 chen辰 cheng城 chi赤 chong崇 chu楚 chuan川 "
    "chun春 ci慈 cong丛 cui翠 cun村 da大 dai岱 dan丹 dao道 de德 deng邓 di棣 dian甸 "
    "ding定 dong东 du杜 duan端 dun敦 duo多 e峨 en恩 er洱 fan樊 fang方 fei肥 fen汾 "
    "feng丰 fu福 gan甘 gang港 gao高 ge葛 geng耿 gong拱 gu古 guan关 guang广 gui桂 "
    "guo郭 hai海 han汉 hang杭 hao浩 he河 heng衡 hong洪 hou侯 hu湖 hua华 huai淮 "
    "huan桓 huang黄 hui徽 hun浑 huo霍 ji吉 jia嘉 jian建 jiang江 jiao蕉 jie界 jin金 "
    "jing泾 jiu九 ju莒 juan鄄 jun郡 kai开 kang康 ke柯 ken垦 kong孔 kuan宽 kun昆 "
    "kuo廓 lai莱 lan兰 lang琅 lao崂 le乐 lei雷 leng冷 li黎 lian莲 liang良 liao辽 "
    "lin林 ling岭 liu柳 long龙 lou娄 lu鹿 luan滦 lun仑 luo洛 lv吕 ma马 man满 mang芒 "
    "mao茅 mei梅 men门 meng蒙 mi弥 mian绵 miao苗 min闽 ming明 mo漠 mu牧 na纳 nan南 "
    "nen嫩 ni霓 nian年 ning宁 niu牛 nong农 nu怒 nuo诺 ou瓯 pan潘 pang庞 pei沛 peng彭 "
    "pi邳 pin频 ping平 po坡 pu浦 qi祁 qia洽 qian乾 qiang羌 qiao桥 qin沁 qing青 "
    "qiong琼 qiu秋 qu渠 quan泉 que鹊 qun群 ran冉 rao饶 ren仁 rong荣 ru汝 rui瑞 run润 "
    "sa萨 sai赛 san三 sang桑 sen森 sha沙 shan山 shang尚 shao韶 she畲 shen深 sheng盛 "
    "shi石 shou寿 shu舒 shuang双 shui水 shun顺 shuo朔 si泗 song松 su苏 sui遂 sun孙 "
    "suo索 ta塔 tai泰 tan潭 tang唐 tao桃 teng滕 tian田 tiao苕 tie铁 ting亭 tong桐 "
    "tu涂 tuan团 tun屯 tuo沱 wa洼 wan万 wang旺 wei渭 wen文 weng翁 wo沃 wu武 xi溪 "
    "xia霞 xian仙 xiang湘 xiao晓 xie谢 xin新 xing兴 xiong雄 xiu秀 xu旭 xuan宣 xue雪 "
    "xun浔 ya雅 yan岩 yang阳 yao瑶 ye叶 yi义 yin银 ying鹰 yong永 you攸 yu玉 yuan源 "
    "yue岳 yun云 zai载 zan赞 zang藏 zao枣 ze泽 zeng曾 zha扎 zhai寨 zhan湛 zhang漳 "
    "zhao昭 zhe柘 zhen贞 zheng正 zhi芝 zhong中 zhou舟 zhu竹 zhuang庄 zhuo卓 zi梓 "
    "zong宗 zou邹 zu祖 zuo左"
)
SYLLABLES = _TABLE.split()
PINYIN = {s[-1]: s[:-1] for s in SYLLABLES}
CHARS = [s[-1] for s in SYLLABLES]

COUNTIES_CSV = Path(__file__).resolve().parents[2] / "crawler" / "data" / "counties.csv"
SAMPLE_STEMS = {
    "青溪",
    "梓桥",
    "渝川",
    "封川",
    "华溪",
    "灵溪",
    "霞溪",
    "梅岭",
    "葭川",
    "弋溪",
    "顺河",
}
SAMPLE_STEMS |= {"安澜", "云岫"}
SUFFIXES = ("县", "区", "市", "自治县", "旗", "自治旗", "林区", "特区", "新区")

# seeds: development 0–99, held-out 1000–1999, fresh held-out 2000–2999 (docs/farm.md)
SLOTS_PER_FAMILY = 2100


def slot(seed: int) -> int:
    """The seed's slot in 0…2099: dev seeds first, then the two held-out ranges (other seeds
    wrap around and may share a name with a seed of the documented ranges)."""
    if 0 <= seed < 100:
        return seed
    if 1000 <= seed < 3000:
        return seed - 900
    return seed % SLOTS_PER_FAMILY


@functools.cache
def real_stems() -> frozenset[str]:
    """Real county names and their stems (name minus 县/区/市/旗…), and the sample farm's."""
    out: set[str] = set(SAMPLE_STEMS)
    if COUNTIES_CSV.exists():
        with COUNTIES_CSV.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name = row["name"]
                out.add(name)
                for suf in sorted(SUFFIXES, key=len, reverse=True):
                    if name.endswith(suf) and len(name) > len(suf) + 1:
                        out.add(name[: -len(suf)])
                        break
    return frozenset(out)


@functools.cache
def _pairs() -> list[tuple[str, str]]:
    """Every usable two-character stem, in a fixed shuffled order."""
    real = real_stems()
    pairs = [(a, b) for a in CHARS for b in CHARS if a != b and a + b not in real]
    random.Random("nianbao-variant-names").shuffle(pairs)
    return pairs


def stem_for(family_index: int, seed: int, salt: int = 0) -> tuple[str, str]:
    """(stem, pinyin) for a family's seed; distinct for distinct (family, slot, salt)."""
    pairs = _pairs()
    idx = (family_index * SLOTS_PER_FAMILY + slot(seed) + salt * 7919) % len(pairs)
    a, b = pairs[idx]
    return a + b, PINYIN[a] + PINYIN[b]


def is_real_name(name: str) -> bool:
    stems = real_stems()
    if name in stems:
        return True
    return any(name.endswith(s) and name[: -len(s)] in stems for s in SUFFIXES)


def pinyin_of(text: str) -> str | None:
    """Pinyin of a name made from the table's characters (None when a character is unknown)."""
    out = []
    for ch in text:
        if ch not in PINYIN:
            return None
        out.append(PINYIN[ch])
    return "".join(out)


def town_names(rng: random.Random, n: int, avoid: str) -> list[str]:
    """Township stems (two characters) that do not repeat the county's characters."""
    chars = [c for c in CHARS if c not in avoid]
    out: list[str] = []
    while len(out) < n:
        a, b = rng.sample(chars, 2)
        if a + b not in out:
            out.append(a + b)
    return out


def prefecture_name(rng: random.Random, avoid: str) -> str:
    while True:
        a, b = rng.sample(CHARS, 2)
        if a + b != avoid and a + b not in real_stems():
            return a + b + "市"
