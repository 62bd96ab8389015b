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
    r"pagination|pager|page-nav|editor-info|copyright|sidebar|side|aside|ad|ads|advert|qrcode|wytw|recommend)"
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
SHARE_TEXT = re.compile(r"^(分享到|分享让更多人看到|分享至|扫一扫)")
# The head of an article that templates put inside the body block: its title again, a line of
# metadata ("2005-01-06 08:13 更新 来源：…"), page numbers, a "——subtitle", "原标题：…".
LEAD_META_LABEL = re.compile(r"来源|作者|编辑|更新|发布|点击|浏览|阅读|时间|日期|字号")
LEAD_PAGES = re.compile(r"^第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")
LEAD_SUBTITLE = re.compile(r"^(?:——|--|原标题[：:])")
LEAD_BYLINE = re.compile(r"^[（(]?(?:作者|来源|编辑|责任编辑|记者|译者?|文|摄影?)\s*[：:/／]")
MAX_LEAD_LINES, MAX_LEAD_CHARS = 4, 80

TITLE_SEPARATORS = re.compile(r"\s*(?:_|－|-{2,}|—|\s-\s|\s\|\s)\s*")
MEDIA_TAG = re.compile(r"^【(视频|图片|图集|组图|直播|音频|H5|专题)】")
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
LINK_ITEM_DATE = re.compile(r"\W*" + _YMD + _HM + r"\W*")
MIN_DATED_LINKS = 2

_STOP = r"\s　|（）()\[\]【】，,。;；"
_NAME = r"[\u4e00-\u9fa5·]{2,4}?"
_NAMES = rf"({_NAME}(?:[ 　、]{_NAME}){{0,3}})"
_AFTER_NAME = r"(?=$|[\s　)）\]】/／，,。;；|]|发自|报道|摄|通讯员|实习生)"
BYLINES = {
    "source": re.compile(rf"(?:来源|发文机关)[：:]\s*[\[【]?\s*([^{_STOP}]{{2,30}})"),
    "editor": re.compile(rf"(?:责任编辑|责编|编辑)[：:]\s*([^{_STOP}]{{2,20}})"),
    "author": re.compile(
        rf"(?:作者|撰稿|执笔人?)[：:／/|｜]\s*([^{_STOP}]{{2,20}})|(?<![\u4e00-\u9fa5])文[／/|｜：:]\s*{_NAMES}{_AFTER_NAME}"
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

NEXT_PAGE_TEXT = re.compile(r"^\s*(下一页|下页|后一页)\s*[>›»]*\s*$")
# A character every NEXT_PAGE_TEXT link has before normalising (simplified or traditional).
NEXT_PAGE_CHARS = "下后後"

# Interviews
NUMBERED_QUESTION = re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]\s*(.+[？?])\s*$")
ASK_ANSWER = re.compile(r"^(问|答)\s*[：:]\s*(.*)$")
DIALOG_TURN = re.compile(r"^([\u4e00-\u9fa5·]{1,6})\s*[：:]\s*(.+)$")
INTERVIEWER = {"记者", "主持人", "本报记者", "问", "主持"}
INTERVIEWEE_LINE = re.compile(r"^(?P<position>[\u4e00-\u9fa5、·（）()A-Za-z0-9]{4,40}?)\s+(?P<name>[\u4e00-\u9fa5·]{2,4})$")
# A byline note closing the text, "(记者 赵婉姝)": not part of the last answer.
BYLINE_NOTE = re.compile(r"^[（(](?:记者|通讯员|编辑|责任编辑|责编|来源|文|图)[^)）]{0,30}[)）]$")
# "专访长春市交通运输局局长王强：…": the guest's position and name, told apart by a known name.
TITLE_GUEST = re.compile(r"(?:专访|对话|访谈)[：:]?\s*(?P<who>[^：:，,]{3,40})[：:，,]")
POSITION_THEN_NAME = re.compile(
    r"^(?P<position>.+?(?:局长|书记|主任|区长|市长|县长|院长|校长|主席|部长|厅长|处长|经理|董事长|镇长|委员|秘书长|负责人))"
    r"(?P<name>[\u4e00-\u9fa5]{2,3})$")
GUEST_LINE = re.compile(r"^(?:本期嘉宾|访谈嘉宾|嘉宾)[：:]\s*(.+)$")
