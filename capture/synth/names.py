"""The names synthetic students get: common given and family names by script, and how often each script is drawn."""

from __future__ import annotations

# Our own small lists of common given names and family names, by script, with the fontconfig
# language that picks a font able to draw them. Each name is drawn from one list, so it is written
# in one script and culture, as real names are ("cjk" is Chinese; Japanese and Korean are their own).
NAMES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "latin": (
        "vi",
        (
            "José",
            "Zoë",
            "Łukasz",
            "Ngọc",
            "Søren",
            "Inês",
            "Émilie",
            "Jürgen",
            "Çağla",
            "Ömer",
            "Aoife",
            "Siobhán",
            "François",
            "Björn",
            "Mateo",
            "Ana",
            "Kwame",
            "Amara",
            "Tomáš",
            "Ľudmila",
        ),
        (
            "Muñoz",
            "Müller",
            "Wójcik",
            "Trần",
            "Ødegaard",
            "Gonçalves",
            "Lefèvre",
            "Şahin",
            "Novák",
            "García",
            "Nguyễn",
            "O'Brien",
            "Kowalczyk",
            "Hernández",
            "Dubois",
            "Mensah",
            "Okafor",
            "Dvořák",
        ),
    ),
    "cyrillic": (
        "ru",
        ("Анна", "Дмитрий", "Ольга", "Иван", "Мария", "Сергей", "Наталья", "Алексей", "Юлия", "Богдан"),
        ("Шевченко", "Ковальчук", "Бондаренко", "Ткаченко", "Мельник", "Лысенко", "Олейник", "Кравец"),
    ),
    "greek": (
        "el",
        ("Νίκος", "Μαρία", "Γιώργος", "Ελένη", "Δημήτρης", "Κατερίνα", "Αθηνά", "Σπύρος"),
        ("Παπαδόπουλου", "Γεωργίου", "Νικολάου", "Οικονόμου", "Δημητρίου", "Ιωάννου"),
    ),
    "cjk": (  # Chinese: family name then given name, no space
        "zh-cn",
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
        ("伟", "娜", "敏", "洋", "静", "丽", "强", "磊", "秀英", "志强", "婷婷", "建华"),
    ),
    "japanese": (
        "ja",
        ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村"),
        ("花子", "大翔", "陽菜", "結衣", "翔太", "美咲", "さくら", "健太"),
    ),
    "korean": (
        "ko",
        ("김", "이", "박", "최", "정", "강", "조", "윤"),
        ("민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지우"),
    ),
    "arabic": (
        "ar",
        ("ليلى", "عمر", "يوسف", "فاطمة", "كريم", "سارة", "خالد", "مريم"),
        ("حداد", "منصور", "ناصر", "الخطيب", "العلي", "سعيد"),
    ),
    "devanagari": (
        "hi",
        ("अनिल", "प्रिया", "राहुल", "सुनीता", "अर्जुन", "कविता", "विक्रम"),
        ("शर्मा", "पटेल", "वर्मा", "देवी", "सिंह", "गुप्ता"),
    ),
    "hebrew": ("he", ("נועה", "איתי", "תמר", "יונתן"), ("כהן", "לוי", "מזרחי", "פרץ")),
    "thai": ("th", ("สมชาย", "สุดา", "ประเสริฐ", "มาลี"), ("ใจดี", "ศรีสุข", "วงศ์ไทย")),
}
SCRIPT_WEIGHTS: dict[str, float] = {
    "latin": 0.42,
    "cyrillic": 0.1,
    "greek": 0.06,
    "cjk": 0.08,
    "japanese": 0.04,
    "korean": 0.04,
    "arabic": 0.09,
    "devanagari": 0.09,
    "hebrew": 0.04,
    "thai": 0.04,
}
