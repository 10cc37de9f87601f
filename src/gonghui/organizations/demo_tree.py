# ruff: noqa: E501  (a data table: one place a line reads better than wrapped trees)
"""The demo hierarchy: the real places of the five reports (DOMAIN.md), with GB/T 2260 codes.

Each node is (name, short name, level, type, region code, extra fields, children). Coordinates
are the approximate centre of the place, for maps; chair names are left empty (not public).
"""

NATIONAL, PROVINCE, CITY, COUNTY, STREET, COMMUNITY, GRASSROOTS = (
    "national", "province", "city", "county", "street", "community", "grassroots",
)  # fmt: skip
FED, SINGLE, JOINT, REGIONAL, INDUSTRY, PROJECT, MARKET, COMMUNITY_FED = (
    "federation", "single", "joint", "regional", "industry", "project", "market", "community",
)  # fmt: skip


def node(name, short, level, kind, region, children=(), **extra):
    return {"name": name, "short_name": short, "level": level, "org_type": kind,
            "region_code": region, "extra": extra, "children": list(children)}  # fmt: skip


XINWULING_INDUSTRY_UNIONS = [
    node("新屋岭外卖配送行业工会", "外卖行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭快递物流行业工会", "物流行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭物业服务行业工会", "物业行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭家政服务行业工会", "家政行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭网约车司机行业工会", "网约车行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭货车司机行业工会", "货车司机行业工会", GRASSROOTS, INDUSTRY, "430181"),
    node("新屋岭商贸零售行业工会", "商贸行业工会", GRASSROOTS, INDUSTRY, "430181"),
]

TREE = node("中华全国总工会", "全总", NATIONAL, FED, "100000", latitude="39.9042", longitude="116.4074", children=[
    node("河南省总工会", "河南省总", PROVINCE, FED, "410000", latitude="34.7466", longitude="113.6254", children=[
        node("漯河市总工会", "漯河市总", CITY, FED, "411100", latitude="33.5815", longitude="114.0166", children=[
            node("郾城区总工会", "郾城区总", COUNTY, FED, "411103", latitude="33.5870", longitude="114.0069", children=[
                node("康养产业园智慧养老项目工会", "智慧养老项目工会", GRASSROOTS, PROJECT, "411103",
                     founded_on="2023-03-15", latitude="33.6050", longitude="113.9860"),
                node("漯河港航物流园区项目工会", "港航物流园区工会", GRASSROOTS, PROJECT, "411103",
                     founded_on="2022-09-01", latitude="33.5600", longitude="114.0600"),
                node("郾城区城关镇工会", "城关镇工会", STREET, REGIONAL, "411103"),
            ]),
            node("源汇区总工会", "源汇区总", COUNTY, FED, "411102"),
            node("召陵区总工会", "召陵区总", COUNTY, FED, "411104"),
            node("舞阳县总工会", "舞阳县总", COUNTY, FED, "411121"),
            node("临颍县总工会", "临颍县总", COUNTY, FED, "411122"),
        ]),
    ]),
    node("湖南省总工会", "湖南省总", PROVINCE, FED, "430000", latitude="28.1127", longitude="112.9834", children=[
        node("长沙市总工会", "长沙市总", CITY, FED, "430100", latitude="28.2282", longitude="112.9388", children=[
            node("长沙县总工会", "长沙县总", COUNTY, FED, "430121", liaison_department="湖南省人力资源和社会保障厅",
                 latitude="28.2467", longitude="113.0800", children=[
                node("长沙经济技术开发区工会", "长沙经开区工会", STREET, REGIONAL, "430121"),
            ]),
            node("浏阳市总工会", "浏阳市总", COUNTY, FED, "430181", latitude="28.1630", longitude="113.6433", children=[
                node("集里街道工会", "集里街道工会", STREET, REGIONAL, "430181", latitude="28.1700", longitude="113.6500", children=[
                    node("新屋岭社区工会联合会", "新屋岭社区工会联合会", COMMUNITY, COMMUNITY_FED, "430181",
                         latitude="28.1745", longitude="113.6520", children=XINWULING_INDUSTRY_UNIONS),
                ]),
            ]),
        ]),
        node("娄底市总工会", "娄底市总", CITY, FED, "431300", children=[
            node("娄星区总工会", "娄星区总", COUNTY, FED, "431302", latitude="27.7297", longitude="112.0018", children=[
                node("娄星区大科街道工会", "大科街道工会", STREET, REGIONAL, "431302"),
            ]),
        ]),
        node("湘潭市总工会", "湘潭市总", CITY, FED, "430300", children=[
            node("雨湖区总工会", "雨湖区总", COUNTY, FED, "430302"),
        ]),
        node("衡阳市总工会", "衡阳市总", CITY, FED, "430400", children=[
            node("蒸湘区总工会", "蒸湘区总", COUNTY, FED, "430408"),
            node("衡南县总工会", "衡南县总", COUNTY, FED, "430422", liaison_department="湖南省财政厅",
                 latitude="26.7387", longitude="112.6778", children=[
                node("衡南县工业园区工会", "衡南工业园工会", STREET, REGIONAL, "430422"),
            ]),
        ]),
        node("永州市总工会", "永州市总", CITY, FED, "431100", children=[
            node("冷水滩区总工会", "冷水滩区总", COUNTY, FED, "431103", latitude="26.4610", longitude="111.5923", children=[
                node("冷水滩区梅湾街道工会", "梅湾街道工会", STREET, REGIONAL, "431103"),
            ]),
            node("东安县总工会", "东安县总", COUNTY, FED, "431122", latitude="26.3920", longitude="111.3160"),
        ]),
        node("岳阳市总工会", "岳阳市总", CITY, FED, "430600", children=[
            node("汨罗市总工会", "汨罗市总", COUNTY, FED, "430681", latitude="28.8063", longitude="113.0670", children=[
                node("汨罗循环经济产业园工会", "汨罗产业园工会", STREET, REGIONAL, "430681"),
            ]),
        ]),
        node("怀化市总工会", "怀化市总", CITY, FED, "431200", children=[
            node("芷江侗族自治县总工会", "芷江县总", COUNTY, FED, "431228", latitude="27.4430", longitude="109.6850", children=[
                node("芷江侗族自治县快递物流行业工会", "芷江快递行业工会", GRASSROOTS, INDUSTRY, "431228"),
            ]),
        ]),
    ]),
    node("江苏省总工会", "江苏省总", PROVINCE, FED, "320000", children=[
        node("连云港市总工会", "连云港市总", CITY, FED, "320700", children=[
            node("连云区总工会", "连云区总", COUNTY, FED, "320703", latitude="34.7600", longitude="119.3730", children=[
                node("连云区社会组织联合工会", "社会组织联合工会", GRASSROOTS, JOINT, "320703"),
                node("连云区货车司机工会联合会", "货车司机工会", STREET, INDUSTRY, "320703"),
                node("连云区快递行业工会联合会", "快递行业工会", STREET, INDUSTRY, "320703"),
            ]),
        ]),
    ]),
    node("宁夏回族自治区总工会", "宁夏总工会", PROVINCE, FED, "640000", children=[
        node("银川市总工会", "银川市总", CITY, FED, "640100", children=[
            node("银川经济技术开发区工会", "银川经开区工会", COUNTY, REGIONAL, "640105",
                 latitude="38.4680", longitude="106.1720", children=[
                node("宁夏小巨人机床有限公司工会", "小巨人机床工会", GRASSROOTS, SINGLE, "640105"),
                node("共享装备股份有限公司工会", "共享装备工会", GRASSROOTS, SINGLE, "640105"),
                node("宁夏隆基硅材料有限公司工会", "隆基硅材料工会", GRASSROOTS, SINGLE, "640105"),
            ]),
        ]),
    ]),
    node("河北省总工会", "河北省总", PROVINCE, FED, "130000", children=[
        node("邢台市总工会", "邢台市总", CITY, FED, "130500", latitude="37.0706", longitude="114.5044", children=[
            node("襄都区总工会", "襄都区总", COUNTY, FED, "130502"),
            node("信都区总工会", "信都区总", COUNTY, FED, "130503"),
            node("宁晋县总工会", "宁晋县总", COUNTY, FED, "130528"),
        ]),
    ]),
])  # fmt: skip

# Demo accounts: (username, role, org name). All share one demo password printed by `make run`.
DEMO_ACCOUNTS = [
    ("national", "national_officer", "中华全国总工会"),
    ("henan", "province_officer", "河南省总工会"),
    ("luohe", "city_officer", "漯河市总工会"),
    ("yancheng", "county_officer", "郾城区总工会"),
    ("hunan", "province_officer", "湖南省总工会"),
    ("changsha", "city_officer", "长沙市总工会"),
    ("liuyang", "county_officer", "浏阳市总工会"),
    ("xinwuling", "grassroots_officer", "新屋岭社区工会联合会"),
    ("hengnan", "county_officer", "衡南县总工会"),
    ("lianyun", "county_officer", "连云区总工会"),
    ("yinchuan", "county_officer", "银川经济技术开发区工会"),
    ("xingtai", "city_officer", "邢台市总工会"),
    ("auditor", "auditor", "湖南省总工会"),
]
DEMO_PASSWORD = "Gonghui-demo-2026"
