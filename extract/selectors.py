"""Every generic selector and pattern of the extractors, in one place.

A site redesign, or a new portal, should touch this module or a site profile, nothing else
(the idea of trafilatura's ``xpaths.py``).
"""

from __future__ import annotations

import re

# Body containers used by common Chinese CMSs (TRS WCM, Founder, PHPCMS, DedeCMS, …), best first.
BODY_CANDIDATES = [
    "#Zoom", "#zoom", ".TRS_Editor", ".TRS_UEDITOR", ".article-content", ".article_content", ".articleContent",
    "#articleContent", ".news_content", ".newsContent", ".content_text", "#content_text", ".detail-content",
    ".detail_content", "#text", ".text", "#content", ".content", "article", ".article", "#article",
]

# Class/id words of blocks that are never body text.
BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:share|bdshare|jiathis|related|relate|xgxw|xgyd|rank|ranking|ranklist|phb|hot|hotnews|hotlist|"
    r"paihang|comment|comments|nav|navbar|menu|footer|foot|crumb|crumbs|breadcrumb|position|location|pages|"
    r"pagination|pager|page-nav|editor-info|copyright|sidebar|side|aside|ad|ads|advert|qrcode|wytw|recommend|"
    # a site's disclaimer, its language menu, a message board, a tool box (font size, print)
    r"disclaimer|mzsm|shengming|statement|declare|lang|language|hdjl|liuyan|wyly|toolbar|tools|fontsize|print|"
    # a picture's caption (the picture's text, not the article's), a blog's calendar
    r"caption|picinfo|pic_info|pictext|imgtxt|img_desc|font-size|font_size|calendar)"
    r"(?:$|[-_\s\d])", re.I)

# Where the article ends and the "related" blocks begin, when the CMS puts them inside the body.
END_OF_BODY = re.compile(r"^(相关阅读|相关新闻|相关报道|相关链接|相关文章|延伸阅读|推荐阅读|热点推荐|热门推荐|猜你喜欢|"
                         r"更多精彩|上一篇|下一篇)\s*[：:>》]?")
EDITOR_LINE = re.compile(r"^[（(【\[]?\s*(责任编辑|编辑|责编)\s*[：:]\s*\S{1,20}\s*[)）】\]]?$")
# A page of posts: at least MIN_POSTS blocks of one tag and class, each with this many Chinese
# characters of its own; the body is the first of them.
MIN_POSTS = 3
MIN_POST_WEIGHT = 50
# A paragraph with at least this share of its characters inside links is navigation.
MAX_LINK_SHARE = 0.6
# A text that ends announcing a table ("附：招生专业及考试科目", "详见下表：") which the template put
# after the body's block, in its last paragraph: the table is read too (body._announced_table),
# looked for this many levels up.
ANNOUNCES_TABLE = re.compile(r"^\s*附(?:表|件)?\s*\d*\s*[：:][^\n]{0,40}$|(?:如下|下表|见表|附表)[^\n。]{0,10}[：:]\s*$")
ANNOUNCED_TABLE_LEVELS = 4
# A paragraph that repeats a picture's alt text of at least this many characters is its caption.
MIN_CAPTION = 6
SHARE_TEXT = re.compile(r"^(分享到|分享让更多人看到|分享至|扫一扫)")
# A byline or tool box, or a site's notice, where a body is looked for (container.is_meta_box):
# no sentence, and a tool's words or two byline labels ("来源：… 作者：…").
SENTENCE_END = re.compile(r"[。！？!?]")
META_BOX_LABEL = re.compile(r"(?:来源|作者|编辑|责任编辑|发布时间|发布日期|发布|点击|浏览|阅读|时间|日期|來源|編輯|發佈|點擊|瀏覽)\s*[：:︰]")
# A tool box's line ("【字号：大 中 小】【打印】【关闭】") and a language menu: never body text. Such
# lines are looked for in paragraphs of at most MAX_TOOL_LINE characters.
MAX_TOOL_LINE = 200
TOOL_LINE = re.compile(r"字[号號級级]\s*[：:]?\s*[【\[]?\s*[大中小特]\s*[】\]]?\s*[【\[]?\s*[大中小特]|[【\[]\s*(?:打印|关闭|關閉|收藏|"
                       r"打印本页|关闭窗口|關閉視窗)\s*[】\]]|字級設定|字体大小")
LANGUAGE_MENU = re.compile(r"^(?:(?:简体中文|繁體中文|繁体中文|简体|繁體|繁体|中文|English|日本語|日本语|한국어|Français|Español|"
                           r"Русский|Deutsch|Português|العربية)\s*[|｜/·]?\s*){2,}$")
NOTICE_START = re.compile(r"^[【\[]?\s*(?:免责声明|版权声明|特别声明|郑重声明|版权所有|免責聲明|版權聲明)")
# The head of an article that templates put inside the body block: its title again, a line of
# metadata ("2005-01-06 08:13 更新 来源：…"), page numbers, a "——subtitle", "原标题：…".
LEAD_META_LABEL = re.compile(r"来源|作者|编辑|更新|发布|点击|浏览|阅读|时间|日期|字号")
LEAD_PAGES = re.compile(r"^第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")
LEAD_SUBTITLE = re.compile(r"^(?:——|--|原标题[：:])")
LEAD_BYLINE = re.compile(r"^[（(]?(?:作者|来源|编辑|责任编辑|记者|译者?|文|摄影?)\s*[：:/／]")
MAX_LEAD_LINES, MAX_LEAD_CHARS = 4, 80
# A line opening with a speaker's or a row's label: the text has begun (an agenda's first row).
TURN_LABEL = re.compile(r"^(?:主持人|主持|记者|本报记者|问|网友|嘉宾|受访嘉宾)\s*[：:︰]")

# "│" (U+2502) is a separator only; "|" and "｜" without spaces belong to titles (series|subtitle).
TITLE_SEPARATORS = re.compile(r"\s*(?:_|－|-{2,}|—|│|\s-\s|\s[|｜]\s)\s*")
# Titles: candidates (headings and .title-like blocks, at most MAX_TITLE_CANDIDATES of them) and
# their witnesses (meta titles, <title>); the site's and sections' names, which are never a title.
# (attributes tested as attribute nodes: contains() on each element's @class was 4 times slower)
TITLE_BLOCKS = ("//h1 | //h2 | //h3 | //@class[contains(., 'title') or contains(., 'Title') or contains(., 'headline') "
                "or contains(., 'biaoti')]/.. | //@id[contains(., 'title')]/..")
TITLE_BLOCK_TAGS = frozenset({"h1", "h2", "h3", "div", "td", "p", "span", "strong", "font", "b", "header"})
# Meta tags are read where the parser puts them, in <head> (a walk over the whole tree for each
# query cost more than the rest of the title rules on a small page).
TITLE_META_TAGS = ("/html/head/meta[@property='og:title' or @name='og:title' or @name='twitter:title' or "
                   "@name='ArticleTitle' or @name='articletitle' or @name='title' or @name='Title' or "
                   "@itemprop='headline']/@content")
SITE_NAME_META = ("/html/head/meta[@property='og:site_name' or @name='application-name' or "
                  "@name='apple-mobile-web-app-title' or @name='SiteName' or @name='sitename']/@content")
LOGO_NAMES = ("(//@class[contains(., 'logo')]/.. | //@id[contains(., 'logo')]/..)[position() <= 5]"
              "/descendant-or-self::img/@alt | "
              "(//@class[contains(., 'logo')]/.. | //@id[contains(., 'logo')]/..)[position() <= 5]//text() | "
              "//img/@src[contains(., 'logo')]/../@alt")
# A short name of a site or section ("长春新闻网", "在线访谈", "时政频道"), as a whole heading.
SECTION_NAME = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9]{0,6}(?:网|频道|首页|访谈|专题|专栏|日报|晚报|晨报|时报|商报|数字报|电子报|"
                          r"新闻网|在线|客户端)")
# A paper's or site's name glued before the title in <title> ("数字报-标题", "长春日报数字报：标题").
TITLE_PREFIX = re.compile(r"^(?:[\u4e00-\u9fa5]{0,8}(?:数字报|电子报|电子版|数字版|报纸版))\s*[-－:：|｜]\s*")
# A label of the byline a template put inside the heading, after the title.
HEADING_META = re.compile(r"(?:来源|作者|发布时间|发布日期|发表时间|更新时间|时间|日期|编辑|责任编辑|记者|点击|浏览|阅读|字号)\s*[：:︰]"
                          r"|\d{1,2}:\d{2}")
MIN_TITLE, MAX_TITLE, MAX_TITLE_CANDIDATES = 4, 120, 200
# The tags as the site wrote them, simplified or traditional (MEDIA_KIND is read in simplified).
MEDIA_TAG = re.compile(r"^【(视频|視頻|图片|圖片|图集|圖集|组图|組圖|直播|音频|音頻|H5|专题|專題)】")
MEDIA_KIND = {"视频": "video", "图片": "photo", "图集": "photo", "组图": "photo", "直播": "live", "音频": "audio",
              "H5": "h5", "专题": "special"}

# Dates, in the order we trust them. Separators: - / . 年月日; a time may be glued to the day.
_YMD = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_HM = r"(?:\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
LABELLED_DATE = re.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|发表于|发布于|发布|更新时间|时间|日期)\s*[：:]?\s*" + _YMD + _HM)
# A date with slashes and the year last, labelled: "发布日期： 9/17/2004 5:54:13 AM" (ASP pages print
# .NET's US format) or "日期：17/9/2004"; which number is the month, fields.py tells.
SLASHED_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|发表日期|更新时间|日期)\s*[：:]?\s*(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})"
                     r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?")
NUMERIC_DATE = re.compile(r"(?<!\d)" + _YMD + _HM + r"(?!\d)")
META_DATE_NAMES = ["article:published_time", "publishdate", "PubDate", "pubdate", "publish_date", "publishtime",
                   "og:release_date", "datePublished", "dc.date", "DC.date.issued", "firstpublishedtime"]
URL_DATE = re.compile(r"/(20\d{2})-?(\d{2})/?(\d{2})/")
# A dated byline line among the first BYLINE_LINES lines of the body ("本报记者 张三" then
# "2003-7-24 钱江晚报"): short, no sentence punctuation, its date next to a byline word or a
# paper's name, or alone right under a line that has one.
BYLINE_WORD = re.compile(r"记者|作者|来源|稿源|出处|通讯员|实习生|撰稿|编辑|[\u4e00-\u9fa5]{2,8}(?:报|社|网)(?![\u4e00-\u9fa5])")
SENTENCE_MARK = re.compile(r"[，。！？；,;!?]")
BYLINE_LINES, MAX_BYLINE_CHARS = 6, 60
# An item of a list of dated links (related posts, sidebars, archives): a link and a date and
# nothing else, "[2005-08-21] <a>…</a>" or "<a>…</a> <span>2005-08-21</span>"; at least
# MIN_DATED_LINKS of them side by side. Their dates are other pages' dates.
# A rank in its own cell may stand before the date ("<td>1</td><td><a>…</a></td><td>2022-12-18</td>").
LINK_ITEM_DATE = re.compile(r"\W*(?:\d{1,3}[.、．]?\W*)?" + _YMD + _HM + r"\W*")
MIN_DATED_LINKS = 2

_STOP = r"\s　|（）()\[\]【】，,。;；"
_NAME = r"[\u4e00-\u9fa5·]{2,4}?"
_NAMES = rf"({_NAME}(?:[ 　、]{_NAME}){{0,3}})"
# A label's colon: half or full width, or the vertical-form colon ︰ (U+FE30) of Big5 text.
_COLON = "[：:︰]"
# Where a byline value stops when a next label is glued to it: "来源：长春日报作者：…", and
# "作者： 点击：次" (DedeCMS's hit counter, its number written by a script that is gone).
BYLINE_LABELS = re.compile(r"作者|记者|编辑|责任编辑|发布时间|来源|时间|通讯员|实习生|摄影|报道|发自|点击|浏览|阅读|人气|字号|评论")
_AFTER_NAME = r"(?=$|[\s　)）\]】/／，,。;；|]|发自|报道|摄|通讯员|实习生)"
BYLINES = {
    "source": re.compile(rf"(?:来源|发文机关){_COLON}\s*[\[【]?\s*([^{_STOP}]{{2,30}})"),
    "editor": re.compile(rf"(?:责任编辑|责编|编辑){_COLON}\s*([^{_STOP}]{{2,20}})"),
    "author": re.compile(
        rf"(?:作者|撰稿|执笔人?)[：:︰／/|｜]\s*([^{_STOP}]{{2,20}})|(?<![\u4e00-\u9fa5])文[／/|｜：:︰]\s*{_NAMES}{_AFTER_NAME}"
        rf"|记者[ 　]*{_NAMES}{_AFTER_NAME}", re.M),                              # 本报记者 张三 李四
}
# Weaker author forms, trusted only when every name starts with a common surname.
BARE_AUTHORS = re.compile(
    rf"[（(]\s*({_NAME}(?:[ 、]{_NAME}){{0,3}}?)\s*(?:[\u4e00-\u9fa5]{{2,4}}报道)?\s*[)）]$"  # …。（张三 上海报道）
    rf"|{_NAMES}[／/](?:文|摄)"                                                       # 张三/文
    rf"|[\[【]\s*{_NAMES}\s*[\]】]\s*(?=来源)", re.M)                                 # [ 张三 ] 来源：…
# A post's signature, the poster's name with the time: "本贴由张三于2005年8月12日…发表",
# "zhangsan 发表于 2005-9-15 11:46:00", "发布时间 2005/05/17 22:11:42 by zhangsan".
POSTED_BY = [
    re.compile(r"本[贴帖]由\s*(?P<name>[^\s于]{1,20}?)\s*于\s*" + _YMD + _HM),
    re.compile(r"(?P<name>[^\s\]】>|:：。，！？；,;!?“”\"'（）()]{2,20})[ \t\u3000]+发表于\s*[：:]?\s*" + _YMD + _HM),
    re.compile(_YMD + _HM + r"\s+by\s+(?P<name>[^\s〓|]{2,20})"),
]
# Common surnames (top ~130 single ones and the usual compound ones): bare names are taken
# as the author only when each starts with one of them.
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
               "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
               "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
               "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
               "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
               "巩明佘池乐匡钮国")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯")
MARKUP = re.compile(r"[=<>\"]")
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
NAMES_LINE = re.compile(rf"^{_NAMES}$")
# Parenthesised notes and short lines that are not names.
NOT_A_NAME = {"资料图片", "资料图", "图片", "组图", "视频", "完", "原标题", "图文", "多图", "社区", "转载", "待续", "全文",
              "上", "下", "中", "图", "摄", "正文", "打印", "关闭", "分享", "字号", "收藏", "评论", "返回", "首页",
              "推荐", "专题", "要闻", "本网", "本站", "附图", "采访", "关注", "关闭窗口", "查看", "登录", "注册",
              "回复", "点赞", "举报", "下载", "更多", "热门", "相关", "阅读", "文章", "本文", "此文", "帖子", "本帖",
              "日志", "博文", "楼主", "网友", "匿名", "游客"}

RANKING_HEADING = re.compile(r"^(热门排行|点击排行|热点排行|排行榜|阅读排行|热文排行|热门文章|热点新闻|点击榜|热度排行)")
# The first characters of those headings, simplified and traditional, as served.
RANKING_HEADING_CHARS = "热熱点點排阅閱"
ELLIPSIS = ("…", "...", "……")
# A ranking of numbered lines of links, without a list element: at most this many links read.
MAX_RANKING_LINES = 50

NEXT_PAGE_TEXT = re.compile(r"^\s*(下一页|下页|后一页)\s*[>›»]*\s*$")
# A character every NEXT_PAGE_TEXT link has before normalising (simplified or traditional).
NEXT_PAGE_CHARS = "下后後"

# Interviews (read in simplified characters: interview.py reads a simplified copy of the page)
NUMBERED_QUESTION = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]\s*(.+[？?])\s*$")
# A labelled turn: "记者：…", "李金泽：…", "问：…", "Q：…", "【主持人】…".
TURN = re.compile(r"^(?:【\s*([\u4e00-\u9fa5·A-Za-z]{1,8})\s*】|([\u4e00-\u9fa5·]{1,8}|[QqAa])\s*[：:︰])\s*(.*)$")
# Labels of the side that asks; a label ending in 记者 ("中新网记者") or a paper's name ("新京报") asks too.
ASKER_LABELS = {"记者", "本报记者", "主持人", "主持", "问", "提问", "网友", "网友提问", "网民", "Q", "q", "本网",
                "编者", "观众", "听众", "读者"}
ASKER_SUFFIX = re.compile(r"(?:记者|报|网|社|台)$")
# Labels of the side that answers without naming anyone.
ANSWER_ROLES = {"答", "A", "a", "受访嘉宾", "嘉宾", "访谈嘉宾", "受访者", "专家", "回答"}
# Labels that open a row of facts, a programme or a reply board, never a turn of an interview:
# an agenda's "时间：/地点：/电话：" rows, a message board's "回复：".
NOT_A_TURN = {"时间", "地点", "电话", "传真", "地址", "邮编", "网址", "邮箱", "日期", "来源", "作者", "编辑", "责任编辑",
              "责编", "联系人", "联系电话", "主办", "承办", "协办", "主题", "议程", "内容", "备注", "报名", "费用", "注",
              "附件", "原标题", "摘要", "关键词", "导语", "编者按", "链接", "图", "文", "摄影", "摄", "通讯员", "实习生",
              "回复", "答复", "回复内容", "处理结果", "留言", "发言", "会议", "活动", "对象", "要求", "说明", "提示",
              "标题", "题目", "单位", "职务", "姓名", "简介", "嘉宾介绍", "本期嘉宾", "访谈嘉宾", "访谈时间", "访谈主题"}
# A message board's reply rows: 网友 questions answered by 回复 rows are not an interview.
REPLY_LABELS = {"回复", "答复", "回复内容", "处理结果", "办理结果", "官方回复"}
# Never a person, whatever the page says: roles and labels.
NOT_A_PERSON = ASKER_LABELS | ANSWER_ROLES | NOT_A_TURN | {"主持人", "本报记者", "记者", "网友", "受访嘉宾", "嘉宾"}
# What makes a turn a question (the asking side's statements count once there are questions).
QUESTION_END = re.compile(r"[？?]\s*$|[？?](?=[”」』\"])|(?:吗|呢)[。！]?\s*$")
# An interview has at least this many pairs, and at least this many real questions.
MIN_PAIRS, MIN_QUESTIONS = 2, 2
INTERVIEWEE_LINE = re.compile(r"^(?P<position>[\u4e00-\u9fa5、·（）()A-Za-z0-9]{4,40}?)\s+(?P<name>[\u4e00-\u9fa5·]{2,4})$")
# A byline note closing the text, "(记者 赵婉姝)": not part of the last answer.
BYLINE_NOTE = re.compile(r"^[（(](?:记者|通讯员|编辑|责任编辑|责编|来源|文|图)[^)）]{0,30}[)）]$")
# How a position ends: 区长, 局长, 司长 … (any 长), 书记, 主任, 教授 …
POSITION_END = (r"(?:长|书记|主任|委员|主席|经理|总裁|总监|院士|教授|研究员|专家|负责人|代表|创始人|主编|总编|发言人|"
                r"大使|参赞|领事|干事|首席[\u4e00-\u9fa5]{1,4}官|总工程师|工程师|律师|医师|医生|董事|理事|监事|顾问|"
                r"设计师|导演|演员|作家|画家|运动员|教练|老师|博士|秘书|助理|科员|队员|民警|村医)")
POSITION_THEN_NAME = re.compile(rf"^(?P<position>.+?{POSITION_END})\s*(?P<name>[\u4e00-\u9fa5]{{2,3}})$")
IS_POSITION = re.compile(rf"{POSITION_END}$")
# A position said after the name in a lead or a biography: "李金泽同志现任…总经理。".
NAME_THEN_POSITION = re.compile(r"(?:同志|先生|女士)?[，,]?\s*(?:现任|现为|系|是|任)([^。；;！？!?\n]{2,40}?)(?=[。；;，,！？!?]|$)")
# Words before a guest's position in a lead or a title: "记者专访了市交通局局长王强", "对话：…".
GUEST_INTRO = re.compile(r"^.*(?:专访了|采访了|专访|采访|对话|访谈|访问了|邀请了|邀请|走访了|请到了|做客|连线|"
                         r"本期嘉宾|访谈嘉宾|嘉宾|记者|是|为|[：:｜|·•【】\[\]「」“”\"'，,。；;、\s（(）)—-])")
GUEST_LINE = re.compile(r"^(?:本期嘉宾|访谈嘉宾|受访嘉宾|嘉宾介绍|嘉宾简介|嘉宾)\s*[：:︰]\s*(.+)$")
# A guest card beside or above the dialog: its class or id, or a heading over it.
GUEST_CARD = ("//@class[contains(., 'guest') or contains(., 'jiabin') or contains(., 'jbjs')]/.. | "
              "//@id[contains(., 'guest') or contains(., 'jiabin') or contains(., 'jbjs')]/..")
MAX_GUEST_CARDS = 4
# Words one of which a page with a guest card has somewhere in its markup (in a class or id, in a heading).
GUEST_CARD_CLASS_WORDS, GUEST_CARD_HEADING_WORDS = ("guest", "jiabin", "jbjs"), ("嘉宾", "嘉賓")
# A guest's name with the position before it, in a card, a lead or a guest line: at most this long.
MAX_GUEST_CHARS = 50
GUEST_CARD_HEADING = re.compile(r"^\s*(?:嘉宾介绍|访谈嘉宾|本期嘉宾|嘉宾简介|嘉宾|受访嘉宾)\s*[：:︰]?\s*$")
