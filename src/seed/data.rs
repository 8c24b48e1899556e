//! The facts behind the demo data: Hanoi's city bodies and districts of 2019, the fields of
//! state management, source documents and the 33 shortcomings, written for this portal.
//! Document numbers are real ones, except the City's 2019 plan itself, whose number is
//! fictional (docs/decisions.md, "Demo data").

use crate::domain::{SourceKind, UnitKind};

pub struct UnitSeed {
    pub code: &'static str,
    pub name: &'static str,
    pub short_name: &'static str,
    pub kind: UnitKind,
    /// Parent unit's code, for divisions.
    pub parent: Option<&'static str>,
    /// Title of the unit's head.
    pub head_title: &'static str,
}

const fn city(
    code: &'static str,
    name: &'static str,
    short: &'static str,
    head: &'static str,
) -> UnitSeed {
    UnitSeed {
        code,
        name,
        short_name: short,
        kind: UnitKind::Department,
        parent: None,
        head_title: head,
    }
}

const fn district(code: &'static str, name: &'static str, short: &'static str) -> UnitSeed {
    UnitSeed {
        code,
        name,
        short_name: short,
        kind: UnitKind::District,
        parent: None,
        head_title: "Phó Chủ tịch UBND",
    }
}

const fn division(
    code: &'static str,
    name: &'static str,
    short: &'static str,
    parent: &'static str,
) -> UnitSeed {
    UnitSeed {
        code,
        name,
        short_name: short,
        kind: UnitKind::Division,
        parent: Some(parent),
        head_title: "Trưởng phòng",
    }
}

/// The City office, the 20 other city bodies, the 30 districts and a few divisions.
pub const UNITS: &[UnitSeed] = &[
    UnitSeed {
        code: "VPUB",
        name: "Văn phòng UBND Thành phố",
        short_name: "VP UBND TP",
        kind: UnitKind::CityOffice,
        parent: None,
        head_title: "Phó Chánh Văn phòng",
    },
    city("SNV", "Sở Nội vụ", "Sở Nội vụ", "Giám đốc Sở"),
    city("STP", "Sở Tư pháp", "Sở Tư pháp", "Giám đốc Sở"),
    city("SKHDT", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "Giám đốc Sở"),
    city("STC", "Sở Tài chính", "Sở Tài chính", "Giám đốc Sở"),
    city("SCT", "Sở Công Thương", "Sở Công Thương", "Giám đốc Sở"),
    city(
        "SNNPTNT",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Sở NN&PTNT",
        "Giám đốc Sở",
    ),
    city("SGTVT", "Sở Giao thông vận tải", "Sở GTVT", "Giám đốc Sở"),
    city("SXD", "Sở Xây dựng", "Sở Xây dựng", "Giám đốc Sở"),
    city(
        "STNMT",
        "Sở Tài nguyên và Môi trường",
        "Sở TN&MT",
        "Giám đốc Sở",
    ),
    city(
        "STTTT",
        "Sở Thông tin và Truyền thông",
        "Sở TT&TT",
        "Giám đốc Sở",
    ),
    city(
        "SLDTBXH",
        "Sở Lao động – Thương binh và Xã hội",
        "Sở LĐTB&XH",
        "Giám đốc Sở",
    ),
    city("SVHTT", "Sở Văn hóa và Thể thao", "Sở VH&TT", "Giám đốc Sở"),
    city("SDL", "Sở Du lịch", "Sở Du lịch", "Giám đốc Sở"),
    city(
        "SKHCN",
        "Sở Khoa học và Công nghệ",
        "Sở KH&CN",
        "Giám đốc Sở",
    ),
    city("SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Giám đốc Sở"),
    city("SYT", "Sở Y tế", "Sở Y tế", "Giám đốc Sở"),
    city(
        "SQHKT",
        "Sở Quy hoạch – Kiến trúc",
        "Sở QH-KT",
        "Giám đốc Sở",
    ),
    city("SNGV", "Sở Ngoại vụ", "Sở Ngoại vụ", "Giám đốc Sở"),
    city(
        "TTTP",
        "Thanh tra Thành phố",
        "Thanh tra TP",
        "Chánh Thanh tra",
    ),
    city("BDT", "Ban Dân tộc", "Ban Dân tộc", "Trưởng ban"),
    district("BADINH", "UBND quận Ba Đình", "Q. Ba Đình"),
    district("HOANKIEM", "UBND quận Hoàn Kiếm", "Q. Hoàn Kiếm"),
    district("TAYHO", "UBND quận Tây Hồ", "Q. Tây Hồ"),
    district("LONGBIEN", "UBND quận Long Biên", "Q. Long Biên"),
    district("CAUGIAY", "UBND quận Cầu Giấy", "Q. Cầu Giấy"),
    district("DONGDA", "UBND quận Đống Đa", "Q. Đống Đa"),
    district("HAIBATRUNG", "UBND quận Hai Bà Trưng", "Q. Hai Bà Trưng"),
    district("HOANGMAI", "UBND quận Hoàng Mai", "Q. Hoàng Mai"),
    district("THANHXUAN", "UBND quận Thanh Xuân", "Q. Thanh Xuân"),
    district("NAMTULIEM", "UBND quận Nam Từ Liêm", "Q. Nam Từ Liêm"),
    district("BACTULIEM", "UBND quận Bắc Từ Liêm", "Q. Bắc Từ Liêm"),
    district("HADONG", "UBND quận Hà Đông", "Q. Hà Đông"),
    district("SONTAY", "UBND thị xã Sơn Tây", "TX. Sơn Tây"),
    district("BAVI", "UBND huyện Ba Vì", "H. Ba Vì"),
    district("CHUONGMY", "UBND huyện Chương Mỹ", "H. Chương Mỹ"),
    district("DANPHUONG", "UBND huyện Đan Phượng", "H. Đan Phượng"),
    district("DONGANH", "UBND huyện Đông Anh", "H. Đông Anh"),
    district("GIALAM", "UBND huyện Gia Lâm", "H. Gia Lâm"),
    district("HOAIDUC", "UBND huyện Hoài Đức", "H. Hoài Đức"),
    district("MELINH", "UBND huyện Mê Linh", "H. Mê Linh"),
    district("MYDUC", "UBND huyện Mỹ Đức", "H. Mỹ Đức"),
    district("PHUXUYEN", "UBND huyện Phú Xuyên", "H. Phú Xuyên"),
    district("PHUCTHO", "UBND huyện Phúc Thọ", "H. Phúc Thọ"),
    district("QUOCOAI", "UBND huyện Quốc Oai", "H. Quốc Oai"),
    district("SOCSON", "UBND huyện Sóc Sơn", "H. Sóc Sơn"),
    district("THACHTHAT", "UBND huyện Thạch Thất", "H. Thạch Thất"),
    district("THANHOAI", "UBND huyện Thanh Oai", "H. Thanh Oai"),
    district("THANHTRI", "UBND huyện Thanh Trì", "H. Thanh Trì"),
    district("THUONGTIN", "UBND huyện Thường Tín", "H. Thường Tín"),
    district("UNGHOA", "UBND huyện Ứng Hòa", "H. Ứng Hòa"),
    division(
        "STNMT.CCBVMT",
        "Chi cục Bảo vệ môi trường",
        "CC BVMT",
        "STNMT",
    ),
    division("SXD.TTXD", "Thanh tra Sở Xây dựng", "Thanh tra SXD", "SXD"),
    division(
        "BADINH.TNMT",
        "Phòng Tài nguyên và Môi trường quận Ba Đình",
        "P. TN&MT Ba Đình",
        "BADINH",
    ),
    division(
        "CAUGIAY.QLDT",
        "Phòng Quản lý đô thị quận Cầu Giấy",
        "P. QLĐT Cầu Giấy",
        "CAUGIAY",
    ),
    division(
        "DONGANH.QLDT",
        "Phòng Quản lý đô thị huyện Đông Anh",
        "P. QLĐT Đông Anh",
        "DONGANH",
    ),
];

/// Districts of the urban core (quận), for measures that only concern them.
pub const URBAN_DISTRICTS: &[&str] = &[
    "BADINH",
    "HOANKIEM",
    "TAYHO",
    "LONGBIEN",
    "CAUGIAY",
    "DONGDA",
    "HAIBATRUNG",
    "HOANGMAI",
    "THANHXUAN",
    "NAMTULIEM",
    "BACTULIEM",
    "HADONG",
];

/// Rural districts (huyện) and the town of Sơn Tây.
pub const RURAL_DISTRICTS: &[&str] = &[
    "SONTAY",
    "BAVI",
    "CHUONGMY",
    "DANPHUONG",
    "DONGANH",
    "GIALAM",
    "HOAIDUC",
    "MELINH",
    "MYDUC",
    "PHUXUYEN",
    "PHUCTHO",
    "QUOCOAI",
    "SOCSON",
    "THACHTHAT",
    "THANHOAI",
    "THANHTRI",
    "THUONGTIN",
    "UNGHOA",
];

pub struct FieldSeed {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
}

pub const FIELDS: &[FieldSeed] = &[
    FieldSeed {
        code: "DD",
        name_vi: "Đất đai",
        name_en: "Land",
    },
    FieldSeed {
        code: "TTXD",
        name_vi: "Trật tự xây dựng",
        name_en: "Construction order",
    },
    FieldSeed {
        code: "QH",
        name_vi: "Quy hoạch – kiến trúc",
        name_en: "Planning and architecture",
    },
    FieldSeed {
        code: "MT",
        name_vi: "Môi trường",
        name_en: "Environment",
    },
    FieldSeed {
        code: "GT",
        name_vi: "Giao thông",
        name_en: "Transport",
    },
    FieldSeed {
        code: "DTC",
        name_vi: "Đầu tư công",
        name_en: "Public investment",
    },
    FieldSeed {
        code: "DN",
        name_vi: "Cổ phần hóa, thoái vốn, doanh nghiệp nhà nước",
        name_en: "Equitisation, divestment and state enterprises",
    },
    FieldSeed {
        code: "NS",
        name_vi: "Tài chính – ngân sách",
        name_en: "Finance and budget",
    },
    FieldSeed {
        code: "NO",
        name_vi: "Nhà ở",
        name_en: "Housing",
    },
    FieldSeed {
        code: "CCHC",
        name_vi: "Cải cách hành chính",
        name_en: "Administrative reform",
    },
    FieldSeed {
        code: "KNTC",
        name_vi: "Tiếp công dân, khiếu nại, tố cáo",
        name_en: "Citizen reception, complaints and denunciations",
    },
    FieldSeed {
        code: "NN",
        name_vi: "Nông nghiệp, nông thôn",
        name_en: "Agriculture and rural development",
    },
    FieldSeed {
        code: "XH",
        name_vi: "Văn hóa – xã hội – lao động",
        name_en: "Culture, society and labour",
    },
    FieldSeed {
        code: "CB",
        name_vi: "Công tác cán bộ, kỷ luật, kỷ cương",
        name_en: "Personnel, discipline and order",
    },
];

pub struct SourceSeed {
    pub key: &'static str,
    pub kind: SourceKind,
    pub doc_number: Option<&'static str>,
    /// (year, month, day)
    pub doc_date: Option<(i32, u32, u32)>,
    pub issuing_body: &'static str,
    pub title: &'static str,
}

pub const SOURCES: &[SourceSeed] = &[
    SourceSeed {
        key: "plan2019",
        kind: SourceKind::ReviewConference,
        doc_number: Some("68/KH-UBND"),
        doc_date: Some((2019, 3, 15)),
        issuing_body: "UBND Thành phố Hà Nội",
        title: "Kế hoạch khắc phục 33 tồn tại, hạn chế sau kiểm điểm tập thể Ban cán sự đảng UBND Thành phố năm 2018 theo tinh thần Nghị quyết Trung ương 4",
    },
    SourceSeed {
        key: "kl1203",
        kind: SourceKind::Inspection,
        doc_number: Some("1203/KL-TTCP"),
        doc_date: Some((2017, 5, 16)),
        issuing_body: "Thanh tra Chính phủ",
        title: "Kết luận thanh tra việc chấp hành pháp luật trong quản lý, sử dụng đất và chuyển mục đích sử dụng một số khu đất trên địa bàn Thành phố",
    },
    SourceSeed {
        key: "kl1468",
        kind: SourceKind::Inspection,
        doc_number: Some("1468/KL-TTCP"),
        doc_date: Some((2018, 9, 4)),
        issuing_body: "Thanh tra Chính phủ",
        title: "Kết luận thanh tra về quản lý đất đai, quy hoạch và đầu tư xây dựng tại một số dự án trên địa bàn Thành phố",
    },
    SourceSeed {
        key: "kl2346",
        kind: SourceKind::Inspection,
        doc_number: Some("2346/KL-TTTP-P5"),
        doc_date: Some((2017, 7, 19)),
        issuing_body: "Thanh tra Thành phố Hà Nội",
        title: "Kết luận thanh tra về quản lý, sử dụng đất tại xã Đồng Tâm, huyện Mỹ Đức",
    },
    SourceSeed {
        key: "tb611",
        kind: SourceKind::Inspection,
        doc_number: Some("611/TB-TTCP"),
        doc_date: Some((2019, 4, 25)),
        issuing_body: "Thanh tra Chính phủ",
        title: "Thông báo kết quả kiểm tra, rà soát kết luận thanh tra về đất đai tại xã Đồng Tâm",
    },
    SourceSeed {
        key: "ktnn_nsdp2017",
        kind: SourceKind::StateAudit,
        doc_number: None,
        doc_date: None,
        issuing_body: "Kiểm toán Nhà nước khu vực I",
        title: "Báo cáo kiểm toán ngân sách địa phương năm 2017 của Thành phố Hà Nội",
    },
    SourceSeed {
        key: "ktnn_cph",
        kind: SourceKind::StateAudit,
        doc_number: None,
        doc_date: None,
        issuing_body: "Kiểm toán Nhà nước khu vực I",
        title: "Báo cáo kiểm toán việc xác định giá trị doanh nghiệp và cổ phần hóa doanh nghiệp nhà nước thuộc Thành phố giai đoạn 2013–2017",
    },
    SourceSeed {
        key: "ktnn_duongnoi",
        kind: SourceKind::StateAudit,
        doc_number: None,
        doc_date: None,
        issuing_body: "Kiểm toán Nhà nước khu vực I",
        title: "Báo cáo kiểm toán dự án Khu đô thị mới Dương Nội, quận Hà Đông",
    },
    SourceSeed {
        key: "ct15",
        kind: SourceKind::Other,
        doc_number: Some("15/CT-UBND"),
        doc_date: Some((2018, 12, 25)),
        issuing_body: "UBND Thành phố Hà Nội",
        title: "Chỉ thị về tăng cường kỷ luật, kỷ cương tài chính – ngân sách, thực hiện nghiêm kết luận, kiến nghị của thanh tra, kiểm toán",
    },
    SourceSeed {
        key: "hdnd_ttxd",
        kind: SourceKind::Supervision,
        doc_number: None,
        doc_date: None,
        issuing_body: "Thường trực HĐND Thành phố",
        title: "Báo cáo kết quả giám sát công tác quản lý trật tự xây dựng trên địa bàn Thành phố",
    },
];

/// Who leads a measure derived from a shortcoming.
pub enum Leads {
    /// One task, led by this unit.
    Unit(&'static str),
    /// One task per unit in the list.
    Each(&'static [&'static str]),
    /// One task per department and district.
    AllDistricts,
    AllDepartments,
}

/// A remediation measure: becomes one task, or one task per unit.
pub struct MeasureSeed {
    /// The task title; `{unit}` is replaced by the lead unit's name.
    pub title: &'static str,
    pub expected: &'static str,
    pub leads: Leads,
    /// Candidate coordinating units (0–3 are chosen, never the lead).
    pub coordinators: &'static [&'static str],
}

pub struct ShortcomingSeed {
    pub code: &'static str,
    pub field: &'static str,
    pub lead: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub sources: &'static [&'static str],
    pub measures: &'static [MeasureSeed],
}

const fn m(
    title: &'static str,
    expected: &'static str,
    leads: Leads,
    coordinators: &'static [&'static str],
) -> MeasureSeed {
    MeasureSeed {
        title,
        expected,
        leads,
        coordinators,
    }
}

/// The 33 shortcomings and the measures that remedy them.
pub const SHORTCOMINGS: &[ShortcomingSeed] = &[
    ShortcomingSeed {
        code: "TT-01",
        field: "DD",
        lead: "STNMT",
        title: "Nhiều dự án sử dụng đất chậm triển khai, để đất bỏ hoang kéo dài nhưng chưa bị xử lý, thu hồi",
        description: "Hàng trăm dự án đã được giao đất, cho thuê đất từ nhiều năm nhưng chủ đầu tư không triển khai hoặc triển khai cầm chừng; việc gia hạn, thu hồi còn thiếu kiên quyết, gây lãng phí tài nguyên đất.",
        sources: &["plan2019", "kl1203", "kl1468"],
        measures: &[
            m(
                "Rà soát, phân loại và đề xuất thu hồi các dự án chậm triển khai trên địa bàn {unit}",
                "Danh sách dự án được phân loại, có đề xuất xử lý cụ thể từng dự án",
                Leads::AllDistricts,
                &["STNMT", "SKHDT"],
            ),
            m(
                "Tổng hợp, trình UBND Thành phố quyết định thu hồi đất các dự án vi phạm",
                "Quyết định thu hồi đất được ban hành đối với các dự án đủ điều kiện",
                Leads::Unit("STNMT"),
                &["SKHDT", "TTTP", "SXD"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-02",
        field: "DD",
        lead: "STNMT",
        title: "Giao đất, cho thuê đất không qua đấu giá tại một số khu đất có vị trí đắc địa; xác định nghĩa vụ tài chính về đất chưa đúng quy định",
        description: "Thanh tra Chính phủ chỉ ra việc chuyển mục đích sử dụng nhiều khu đất có lợi thế thương mại mà không đấu giá, làm thất thu tiền sử dụng đất.",
        sources: &["kl1203", "kl1468"],
        measures: &[
            m(
                "Rà soát toàn bộ hồ sơ giao đất, cho thuê đất không qua đấu giá giai đoạn 2010–2018",
                "Báo cáo rà soát, xác định rõ trách nhiệm tập thể, cá nhân",
                Leads::Unit("STNMT"),
                &["STC", "TTTP"],
            ),
            m(
                "Xác định lại và truy thu tiền sử dụng đất còn thiếu theo kết luận thanh tra",
                "Số tiền sử dụng đất còn thiếu được nộp đủ vào ngân sách",
                Leads::Unit("STC"),
                &["STNMT"],
            ),
            m(
                "Kiểm điểm trách nhiệm tập thể, cá nhân có sai phạm trong giao đất, cho thuê đất",
                "Hình thức xử lý trách nhiệm được quyết định, công khai",
                Leads::Unit("SNV"),
                &["TTTP", "STNMT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-03",
        field: "DD",
        lead: "STNMT",
        title: "Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà cho người mua nhà tại các dự án nhà ở thương mại còn chậm",
        description: "Nhiều người mua nhà tại các dự án đã bàn giao từ lâu vẫn chưa được cấp giấy chứng nhận do chủ đầu tư chưa hoàn thành nghĩa vụ tài chính hoặc xây dựng sai phép.",
        sources: &["plan2019", "kl1468"],
        measures: &[
            m(
                "Tháo gỡ vướng mắc, đẩy nhanh cấp giấy chứng nhận cho người mua nhà tại các dự án nhà ở thương mại",
                "Tỷ lệ căn hộ được cấp giấy chứng nhận đạt trên 90%",
                Leads::Unit("STNMT"),
                &["SXD", "STC"],
            ),
            m(
                "Công khai danh sách chủ đầu tư chưa hoàn thành nghĩa vụ cấp giấy chứng nhận cho người mua nhà",
                "Danh sách được công khai trên cổng thông tin điện tử Thành phố",
                Leads::Unit("STTTT"),
                &["STNMT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-04",
        field: "KNTC",
        lead: "TTTP",
        title: "Tranh chấp, khiếu kiện về đất đai kéo dài tại một số địa phương, tiềm ẩn nguy cơ mất ổn định",
        description: "Một số vụ việc khiếu kiện đông người về đất đai chưa được giải quyết dứt điểm, điển hình là vụ việc tại xã Đồng Tâm, huyện Mỹ Đức.",
        sources: &["kl2346", "tb611"],
        measures: &[
            m(
                "Đối thoại, giải quyết dứt điểm các vụ việc khiếu kiện đông người về đất đai",
                "Các vụ việc có quyết định giải quyết có hiệu lực, được thực hiện",
                Leads::Unit("TTTP"),
                &["STNMT", "MYDUC"],
            ),
            m(
                "Thực hiện kết luận thanh tra về quản lý, sử dụng đất tại xã Đồng Tâm",
                "Các nội dung của kết luận thanh tra được thực hiện đầy đủ",
                Leads::Unit("MYDUC"),
                &["TTTP", "STNMT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-05",
        field: "TTXD",
        lead: "SXD",
        title: "Vi phạm trật tự xây dựng (không phép, sai phép, vượt tầng) chưa được ngăn chặn, xử lý dứt điểm",
        description: "Tình trạng xây dựng không phép, sai phép, cơi nới vượt số tầng vẫn diễn ra ở nhiều quận, huyện; nhiều quyết định xử phạt, cưỡng chế chưa được thi hành.",
        sources: &["plan2019", "hdnd_ttxd"],
        measures: &[
            m(
                "Kiểm tra, xử lý dứt điểm các công trình vi phạm trật tự xây dựng trên địa bàn {unit}",
                "Không phát sinh vi phạm mới; 100% quyết định xử lý vi phạm được thi hành",
                Leads::AllDistricts,
                &["SXD", "SQHKT"],
            ),
            m(
                "Xây dựng quy chế phối hợp quản lý trật tự xây dựng giữa Sở Xây dựng và UBND các quận, huyện",
                "Quy chế được UBND Thành phố ban hành",
                Leads::Unit("SXD"),
                &["STP", "SNV"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-06",
        field: "TTXD",
        lead: "SXD",
        title: "Xây dựng trái phép trên đất nông nghiệp, đất công ở các huyện ven đô",
        description: "Nhiều công trình nhà xưởng, nhà ở được dựng trên đất nông nghiệp, đất công ích mà không bị phát hiện, xử lý kịp thời.",
        sources: &["hdnd_ttxd"],
        measures: &[m(
            "Ngăn chặn, xử lý xây dựng trái phép trên đất nông nghiệp, đất công tại {unit}",
            "Các công trình vi phạm được xử lý, khôi phục hiện trạng đất",
            Leads::Each(RURAL_DISTRICTS),
            &["SXD", "STNMT"],
        )],
    },
    ShortcomingSeed {
        code: "TT-07",
        field: "QH",
        lead: "SQHKT",
        title: "Điều chỉnh cục bộ quy hoạch chi tiết nhiều lần, làm tăng mật độ dân cư và gây quá tải hạ tầng",
        description: "Nhiều đồ án quy hoạch chi tiết bị điều chỉnh cục bộ để tăng chiều cao, mật độ xây dựng mà chưa đánh giá đầy đủ tác động tới hạ tầng xã hội và giao thông.",
        sources: &["kl1468"],
        measures: &[
            m(
                "Rà soát các trường hợp điều chỉnh cục bộ quy hoạch chi tiết giai đoạn 2008–2018",
                "Báo cáo rà soát, đề xuất dừng hoặc điều chỉnh các dự án làm quá tải hạ tầng",
                Leads::Unit("SQHKT"),
                &["SXD", "SGTVT"],
            ),
            m(
                "Ban hành quy định về trình tự, điều kiện điều chỉnh cục bộ quy hoạch",
                "Quy định được ban hành và áp dụng thống nhất",
                Leads::Unit("SQHKT"),
                &["STP"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-08",
        field: "QH",
        lead: "SQHKT",
        title: "Tiến độ lập, phê duyệt quy hoạch phân khu và quy hoạch chung xây dựng huyện còn chậm",
        description: "Một số quy hoạch phân khu đô thị và quy hoạch chung xây dựng huyện chậm được phê duyệt, ảnh hưởng tới việc thu hút đầu tư và quản lý xây dựng.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Hoàn thành lập, trình phê duyệt quy hoạch chung xây dựng {unit}",
                "Đồ án quy hoạch được phê duyệt",
                Leads::Each(&[
                    "BAVI",
                    "CHUONGMY",
                    "MYDUC",
                    "PHUXUYEN",
                    "UNGHOA",
                    "THUONGTIN",
                ]),
                &["SQHKT"],
            ),
            m(
                "Đẩy nhanh tiến độ các quy hoạch phân khu đô thị còn lại",
                "100% quy hoạch phân khu được phê duyệt",
                Leads::Unit("SQHKT"),
                &["SXD", "SKHDT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-09",
        field: "MT",
        lead: "STNMT",
        title: "Ô nhiễm không khí gia tăng vào các thời điểm giao mùa, chưa kiểm soát được nguồn thải",
        description: "Chỉ số chất lượng không khí nhiều thời điểm ở mức kém và xấu; việc kiểm soát khí thải giao thông, công trường xây dựng và đốt rơm rạ còn hạn chế.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Mở rộng mạng lưới quan trắc chất lượng không khí tự động và công khai số liệu",
                "Số liệu quan trắc được công khai theo thời gian thực",
                Leads::Unit("STNMT"),
                &["STTTT"],
            ),
            m(
                "Kiểm soát khí thải phương tiện giao thông và bụi từ công trường xây dựng",
                "Kế hoạch kiểm soát được triển khai, có số liệu đánh giá",
                Leads::Unit("SGTVT"),
                &["SXD", "STNMT"],
            ),
            m(
                "Chấm dứt tình trạng đốt rơm rạ, rác thải ngoài trời trên địa bàn {unit}",
                "Không còn điểm đốt rơm rạ, rác thải ngoài trời",
                Leads::Each(&["DONGANH", "SOCSON", "MELINH", "GIALAM", "THANHTRI"]),
                &["STNMT", "SNNPTNT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-10",
        field: "MT",
        lead: "STNMT",
        title: "Ô nhiễm môi trường tại các làng nghề và khu vực nông thôn chưa được khắc phục",
        description: "Nước thải, khí thải của nhiều làng nghề xả thẳng ra môi trường; vệ sinh môi trường nông thôn yếu kém.",
        sources: &["plan2019"],
        measures: &[m(
            "Khắc phục ô nhiễm môi trường làng nghề trên địa bàn {unit}",
            "Các làng nghề ô nhiễm nghiêm trọng được xử lý, có hệ thống thu gom nước thải",
            Leads::Each(RURAL_DISTRICTS),
            &["STNMT", "SCT"],
        )],
    },
    ShortcomingSeed {
        code: "TT-11",
        field: "MT",
        lead: "STNMT",
        title: "Công tác bảo vệ nguồn nước sinh hoạt còn sơ hở, để xảy ra sự cố ô nhiễm nguồn nước sông Đà",
        description: "Sự cố nguồn nước cấp cho nhiều quận bị nhiễm dầu thải cho thấy việc giám sát chất lượng nước đầu nguồn và ứng phó sự cố còn chậm.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Xây dựng phương án bảo vệ hành lang an toàn nguồn nước mặt cấp cho các nhà máy nước",
                "Phương án được phê duyệt, hành lang được cắm mốc",
                Leads::Unit("STNMT"),
                &["SXD", "SYT"],
            ),
            m(
                "Quy định giám sát chất lượng nước sạch và cơ chế cảnh báo sớm sự cố",
                "Quy định được ban hành, số liệu giám sát được công khai",
                Leads::Unit("SYT"),
                &["SXD"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-12",
        field: "MT",
        lead: "STNMT",
        title: "Thu gom, xử lý chất thải rắn sinh hoạt chưa đáp ứng yêu cầu; các khu xử lý quá tải",
        description: "Khu xử lý chất thải tập trung thường xuyên quá tải, người dân nhiều lần chặn xe chở rác; tỷ lệ chôn lấp còn cao.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Đẩy nhanh các dự án nhà máy xử lý rác phát điện",
                "Nhà máy đi vào vận hành, giảm tỷ lệ chôn lấp",
                Leads::Unit("SXD"),
                &["STNMT", "SKHDT"],
            ),
            m(
                "Giải quyết dứt điểm kiến nghị của người dân quanh khu xử lý chất thải Nam Sơn",
                "Các hộ dân trong vùng ảnh hưởng được di dời, hỗ trợ",
                Leads::Unit("SOCSON"),
                &["STNMT", "STC"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-13",
        field: "GT",
        lead: "SGTVT",
        title: "Ùn tắc giao thông tại các trục chính và cửa ngõ Thủ đô chưa được cải thiện",
        description: "Lưu lượng phương tiện cá nhân tăng nhanh trong khi hạ tầng và vận tải công cộng phát triển chậm, nhiều điểm ùn tắc kéo dài.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Tổ chức lại giao thông, xóa các điểm ùn tắc trên các trục hướng tâm",
                "Số điểm ùn tắc giảm so với năm 2018",
                Leads::Unit("SGTVT"),
                &["SQHKT"],
            ),
            m(
                "Phát triển mạng lưới xe buýt, nâng tỷ lệ đáp ứng nhu cầu đi lại bằng vận tải công cộng",
                "Tỷ lệ vận tải công cộng đạt chỉ tiêu kế hoạch",
                Leads::Unit("SGTVT"),
                &["STC"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-14",
        field: "GT",
        lead: "SGTVT",
        title: "Tình trạng xe dù, bến cóc, trông giữ xe trái phép chưa được xử lý triệt để",
        description: "Xe khách đón trả khách sai quy định, các điểm trông giữ xe tự phát lấn chiếm lòng đường, vỉa hè vẫn tồn tại ở nhiều tuyến phố.",
        sources: &["plan2019"],
        measures: &[m(
            "Xử lý xe dù, bến cóc, điểm trông giữ xe trái phép trên địa bàn {unit}",
            "Không còn điểm xe dù, bến cóc, trông giữ xe trái phép",
            Leads::Each(URBAN_DISTRICTS),
            &["SGTVT"],
        )],
    },
    ShortcomingSeed {
        code: "TT-15",
        field: "DTC",
        lead: "SKHDT",
        title: "Giải ngân vốn đầu tư công chậm, nhiều dự án kéo dài thời gian thực hiện",
        description: "Tỷ lệ giải ngân vốn đầu tư công ở cả cấp thành phố và cấp huyện thấp so với kế hoạch; nhiều dự án phải điều chỉnh tổng mức đầu tư, kéo dài thời gian.",
        sources: &["plan2019", "ktnn_nsdp2017"],
        measures: &[
            m(
                "Đẩy nhanh giải ngân vốn đầu tư công các dự án do {unit} làm chủ đầu tư",
                "Giải ngân đạt trên 95% kế hoạch vốn được giao",
                Leads::AllDistricts,
                &["SKHDT", "STC"],
            ),
            m(
                "Điều chuyển vốn từ các dự án chậm giải ngân sang dự án có khả năng giải ngân",
                "Kế hoạch vốn được điều chỉnh kịp thời trong năm",
                Leads::Unit("SKHDT"),
                &["STC"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-16",
        field: "DTC",
        lead: "SKHDT",
        title: "Nhiều dự án đầu tư xây dựng chậm tiến độ do vướng mắc giải phóng mặt bằng",
        description: "Công tác bồi thường, hỗ trợ, tái định cư còn chậm, thiếu quỹ nhà tái định cư; nhiều dự án trọng điểm bị kéo dài.",
        sources: &["plan2019"],
        measures: &[m(
            "Tháo gỡ vướng mắc giải phóng mặt bằng các dự án trọng điểm trên địa bàn {unit}",
            "Bàn giao mặt bằng đúng tiến độ cam kết",
            Leads::AllDistricts,
            &["STNMT", "STC"],
        )],
    },
    ShortcomingSeed {
        code: "TT-17",
        field: "DTC",
        lead: "STC",
        title: "Quyết toán dự án hoàn thành còn chậm, tồn đọng nhiều dự án chưa quyết toán",
        description: "Nhiều dự án đã hoàn thành đưa vào sử dụng nhiều năm nhưng chưa lập, thẩm tra quyết toán, vi phạm thời hạn quy định.",
        sources: &["ktnn_nsdp2017"],
        measures: &[
            m(
                "Hoàn thành quyết toán các dự án hoàn thành tồn đọng do {unit} quản lý",
                "Không còn dự án chậm quyết toán quá thời hạn",
                Leads::Each(&["SXD", "SGTVT", "SNNPTNT", "SYT", "SGDDT"]),
                &["STC"],
            ),
            m(
                "Công khai danh sách chủ đầu tư chậm quyết toán, xử lý trách nhiệm",
                "Danh sách được công khai hằng quý",
                Leads::Unit("STC"),
                &["SKHDT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-18",
        field: "DN",
        lead: "STC",
        title: "Cổ phần hóa, thoái vốn nhà nước tại doanh nghiệp chậm so với kế hoạch",
        description: "Nhiều doanh nghiệp thuộc diện cổ phần hóa, thoái vốn chưa hoàn thành theo lộ trình được Thủ tướng Chính phủ phê duyệt.",
        sources: &["ktnn_cph"],
        measures: &[
            m(
                "Hoàn thành cổ phần hóa các doanh nghiệp nhà nước theo kế hoạch được duyệt",
                "Các doanh nghiệp hoàn thành cổ phần hóa đúng lộ trình",
                Leads::Unit("STC"),
                &["SKHDT", "STNMT"],
            ),
            m(
                "Thoái vốn nhà nước tại các doanh nghiệp không thuộc danh mục cần nắm giữ",
                "Vốn nhà nước được thoái theo kế hoạch, không để thất thoát",
                Leads::Unit("STC"),
                &["SKHDT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-19",
        field: "DN",
        lead: "STC",
        title: "Xác định giá trị doanh nghiệp khi cổ phần hóa có sai sót, chưa tính đủ giá trị quyền sử dụng đất",
        description: "Kiểm toán Nhà nước phát hiện việc xác định giá trị doanh nghiệp chưa tính đủ lợi thế vị trí đất, làm giảm giá trị phần vốn nhà nước.",
        sources: &["ktnn_cph"],
        measures: &[
            m(
                "Xác định lại giá trị doanh nghiệp theo kiến nghị của Kiểm toán Nhà nước",
                "Phần chênh lệch được thu nộp ngân sách",
                Leads::Unit("STC"),
                &["STNMT"],
            ),
            m(
                "Rà soát phương án sử dụng đất của các doanh nghiệp sau cổ phần hóa",
                "Các khu đất sử dụng sai mục đích được thu hồi",
                Leads::Unit("STNMT"),
                &["STC", "SQHKT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-20",
        field: "NS",
        lead: "STC",
        title: "Nợ đọng thuế và các khoản thu ngân sách còn lớn, chậm được thu hồi",
        description: "Nợ tiền sử dụng đất, tiền thuê đất và thuế của doanh nghiệp tăng; nhiều khoản nợ khó thu chưa có biện pháp cưỡng chế hiệu quả.",
        sources: &["ktnn_nsdp2017", "ct15"],
        measures: &[
            m(
                "Thu hồi nợ đọng các khoản thu ngân sách trên địa bàn {unit}",
                "Nợ đọng giảm ít nhất 30% so với thời điểm 31/12/2018",
                Leads::AllDistricts,
                &["STC"],
            ),
            m(
                "Công khai danh sách doanh nghiệp nợ tiền sử dụng đất, tiền thuê đất",
                "Danh sách được công khai định kỳ",
                Leads::Unit("STC"),
                &["STNMT", "STTTT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-21",
        field: "NS",
        lead: "STC",
        title: "Các kiến nghị của Kiểm toán Nhà nước về xử lý tài chính chưa được thực hiện đầy đủ",
        description: "Một số kiến nghị tăng thu, giảm chi và xử lý tài chính khác của Kiểm toán Nhà nước chưa được thực hiện hoặc thực hiện chậm.",
        sources: &["ktnn_nsdp2017", "ktnn_duongnoi", "ct15"],
        measures: &[
            m(
                "Thực hiện đầy đủ kiến nghị tăng thu, giảm chi của Kiểm toán Nhà nước",
                "100% kiến nghị được thực hiện, báo cáo Kiểm toán Nhà nước",
                Leads::Unit("STC"),
                &["SKHDT"],
            ),
            m(
                "Xử lý các tồn tại tài chính của dự án Khu đô thị mới Dương Nội",
                "Các khoản phải thu được nộp ngân sách",
                Leads::Unit("HADONG"),
                &["STC", "STNMT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-22",
        field: "NO",
        lead: "SXD",
        title: "Cải tạo, xây dựng lại chung cư cũ triển khai chậm, nhiều nhà nguy hiểm chưa được di dời",
        description: "Phần lớn chung cư cũ xuống cấp chưa được cải tạo; cơ chế thu hút nhà đầu tư và di dời người dân còn nhiều vướng mắc.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Kiểm định, công bố danh sách nhà chung cư cũ nguy hiểm cần di dời khẩn cấp",
                "Danh sách được công bố, phương án di dời được phê duyệt",
                Leads::Unit("SXD"),
                &["SQHKT"],
            ),
            m(
                "Di dời các hộ dân khỏi nhà chung cư cũ nguy hiểm trên địa bàn {unit}",
                "100% hộ dân ở nhà nguy hiểm cấp D được di dời",
                Leads::Each(&["BADINH", "DONGDA", "HAIBATRUNG", "HOANKIEM", "THANHXUAN"]),
                &["SXD"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-23",
        field: "NO",
        lead: "SXD",
        title: "Phát triển nhà ở xã hội chưa đáp ứng nhu cầu; quỹ đất dành cho nhà ở xã hội chưa được sử dụng đúng mục đích",
        description: "Quỹ đất 20% dành cho nhà ở xã hội tại các dự án nhà ở thương mại chưa được quản lý chặt chẽ, có nơi bị chuyển đổi mục đích.",
        sources: &["plan2019"],
        measures: &[m(
            "Rà soát quỹ đất 20% dành cho nhà ở xã hội trong các dự án nhà ở thương mại",
            "Danh mục quỹ đất được công khai, xử lý các trường hợp sử dụng sai",
            Leads::Unit("SXD"),
            &["STNMT", "SQHKT"],
        )],
    },
    ShortcomingSeed {
        code: "TT-24",
        field: "CCHC",
        lead: "SNV",
        title: "Chỉ số hiệu quả quản trị, hành chính công (PAPI) và chỉ số hài lòng (SIPAS) của Thành phố thấp, cải thiện chậm",
        description: "Thứ hạng PAPI, SIPAS của Hà Nội thấp so với vị thế Thủ đô; các nội dung bị đánh giá thấp chưa được phân tích, khắc phục cụ thể.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Phân tích các chỉ số thành phần PAPI, SIPAS và giao nhiệm vụ cải thiện cho từng cơ quan",
                "Kế hoạch cải thiện từng chỉ số thành phần được ban hành",
                Leads::Unit("SNV"),
                &["VPUB"],
            ),
            m(
                "Khảo sát sự hài lòng của người dân, doanh nghiệp tại {unit}",
                "Kết quả khảo sát được công khai, có giải pháp khắc phục",
                Leads::Each(&[
                    "BADINH", "HOANKIEM", "DONGDA", "LONGBIEN", "HADONG", "SONTAY",
                ]),
                &["SNV"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-25",
        field: "CCHC",
        lead: "VPUB",
        title: "Giải quyết thủ tục hành chính còn để trễ hạn, chưa xin lỗi người dân theo quy định",
        description: "Vẫn còn hồ sơ thủ tục hành chính quá hạn, nhất là lĩnh vực đất đai, xây dựng; nhiều nơi chưa thực hiện thư xin lỗi khi trễ hẹn.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Giải quyết thủ tục hành chính đúng hạn, xin lỗi người dân khi trễ hẹn tại {unit}",
                "Tỷ lệ hồ sơ đúng hạn đạt trên 98%",
                Leads::AllDistricts,
                &["VPUB"],
            ),
            m(
                "Rà soát, cắt giảm thời gian giải quyết thủ tục hành chính thuộc thẩm quyền của {unit}",
                "Danh mục thủ tục được cắt giảm thời gian được công bố",
                Leads::AllDepartments,
                &["VPUB", "STP"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-26",
        field: "CCHC",
        lead: "STTTT",
        title: "Dịch vụ công trực tuyến mức độ cao còn ít hồ sơ phát sinh; ứng dụng công nghệ thông tin chưa đồng bộ",
        description: "Nhiều dịch vụ công trực tuyến mức độ 3, 4 không phát sinh hồ sơ; các hệ thống phần mềm của các sở, ngành chưa liên thông.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Liên thông phần mềm một cửa điện tử của các sở, ngành, quận, huyện",
                "Hệ thống một cửa điện tử dùng chung được vận hành",
                Leads::Unit("STTTT"),
                &["VPUB", "SNV"],
            ),
            m(
                "Tuyên truyền, hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
                "Tỷ lệ hồ sơ trực tuyến đạt chỉ tiêu",
                Leads::Unit("STTTT"),
                &["SNV"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-27",
        field: "KNTC",
        lead: "TTTP",
        title: "Còn nhiều kết luận thanh tra, quyết định giải quyết khiếu nại chưa được thực hiện dứt điểm",
        description: "Việc thu hồi tiền, đất sai phạm theo kết luận thanh tra đạt tỷ lệ thấp; nhiều quyết định giải quyết khiếu nại có hiệu lực chưa được thi hành.",
        sources: &["kl1203", "kl1468", "ct15"],
        measures: &[
            m(
                "Thực hiện dứt điểm các kết luận thanh tra còn tồn đọng của {unit}",
                "Thu hồi đủ tiền, đất sai phạm theo kết luận thanh tra",
                Leads::AllDistricts,
                &["TTTP"],
            ),
            m(
                "Theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra trên địa bàn Thành phố",
                "Báo cáo định kỳ hằng quý về tỷ lệ thực hiện",
                Leads::Unit("TTTP"),
                &["VPUB"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-28",
        field: "NN",
        lead: "SNNPTNT",
        title: "Phòng, chống dịch tả lợn châu Phi còn lúng túng, gây thiệt hại lớn cho người chăn nuôi",
        description: "Dịch lan rộng ra hầu hết các huyện, tổng đàn lợn giảm mạnh; việc tiêu hủy, hỗ trợ người chăn nuôi còn chậm.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Chi trả dứt điểm kinh phí hỗ trợ cho người chăn nuôi có lợn bị tiêu hủy",
                "100% hộ đủ điều kiện được nhận hỗ trợ",
                Leads::Unit("SNNPTNT"),
                &["STC"],
            ),
            m(
                "Khôi phục đàn lợn, xây dựng vùng chăn nuôi an toàn dịch bệnh tại {unit}",
                "Tổng đàn phục hồi theo kế hoạch",
                Leads::Each(&["BAVI", "CHUONGMY", "UNGHOA", "PHUXUYEN", "MYDUC"]),
                &["SNNPTNT"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-29",
        field: "NN",
        lead: "SNNPTNT",
        title: "Xây dựng nông thôn mới ở một số huyện chưa bền vững, tiêu chí môi trường chưa đạt",
        description: "Một số xã đã đạt chuẩn nông thôn mới nhưng tiêu chí môi trường, thu nhập chưa giữ vững; nợ đọng xây dựng cơ bản ở cấp xã.",
        sources: &["plan2019"],
        measures: &[m(
            "Nâng chất các tiêu chí môi trường nông thôn mới tại {unit}",
            "Các xã giữ vững và nâng cao tiêu chí môi trường",
            Leads::Each(RURAL_DISTRICTS),
            &["SNNPTNT", "STNMT"],
        )],
    },
    ShortcomingSeed {
        code: "TT-30",
        field: "XH",
        lead: "SLDTBXH",
        title: "Giải quyết việc làm, đào tạo nghề chưa gắn với nhu cầu của thị trường lao động",
        description: "Số lao động được tạo việc làm giảm, đào tạo nghề cho lao động nông thôn chưa hiệu quả, chưa sát nhu cầu doanh nghiệp.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Khảo sát nhu cầu lao động của doanh nghiệp và điều chỉnh danh mục nghề đào tạo",
                "Danh mục nghề đào tạo được điều chỉnh theo nhu cầu",
                Leads::Unit("SLDTBXH"),
                &["SCT", "SGDDT"],
            ),
            m(
                "Tổ chức sàn giao dịch việc làm định kỳ tại các huyện",
                "Mỗi huyện tổ chức ít nhất 2 phiên mỗi năm",
                Leads::Unit("SLDTBXH"),
                &[],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-31",
        field: "XH",
        lead: "SVHTT",
        title: "Ứng xử thiếu văn minh nơi công cộng; quy tắc ứng xử chưa được thực hiện nghiêm",
        description: "Bộ quy tắc ứng xử nơi công cộng chưa đi vào cuộc sống; tình trạng xả rác, lấn chiếm vỉa hè, gây mất trật tự còn phổ biến.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Triển khai quy tắc ứng xử nơi công cộng trên địa bàn {unit}",
                "Có mô hình tuyến phố văn minh được duy trì",
                Leads::Each(URBAN_DISTRICTS),
                &["SVHTT"],
            ),
            m(
                "Tổng kết, đánh giá việc thực hiện bộ quy tắc ứng xử nơi công cộng",
                "Báo cáo tổng kết trình UBND Thành phố",
                Leads::Unit("SVHTT"),
                &["SDL"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-32",
        field: "CB",
        lead: "SNV",
        title: "Kỷ luật, kỷ cương hành chính ở một số cơ quan chưa nghiêm; trách nhiệm người đứng đầu chưa rõ",
        description: "Vẫn còn cán bộ, công chức nhũng nhiễu, đùn đẩy trách nhiệm; việc xem xét trách nhiệm người đứng đầu khi để xảy ra sai phạm chưa kiên quyết.",
        sources: &["plan2019", "ct15"],
        measures: &[
            m(
                "Kiểm tra công vụ đột xuất tại các cơ quan, đơn vị có nhiều phản ánh",
                "Báo cáo kết quả kiểm tra, xử lý vi phạm công vụ",
                Leads::Unit("SNV"),
                &["VPUB", "TTTP"],
            ),
            m(
                "Ban hành quy định xử lý trách nhiệm người đứng đầu khi để xảy ra sai phạm",
                "Quy định được ban hành",
                Leads::Unit("SNV"),
                &["STP"],
            ),
        ],
    },
    ShortcomingSeed {
        code: "TT-33",
        field: "CB",
        lead: "VPUB",
        title: "Kiểm tra, giám sát việc thực hiện nhiệm vụ được giao chưa thường xuyên, còn nể nang",
        description: "Việc theo dõi, đôn đốc thực hiện nhiệm vụ UBND Thành phố giao chủ yếu qua văn bản giấy, chậm phát hiện nhiệm vụ quá hạn.",
        sources: &["plan2019"],
        measures: &[
            m(
                "Đưa vào vận hành hệ thống theo dõi, đôn đốc thực hiện nhiệm vụ trên môi trường mạng",
                "Hệ thống vận hành, cập nhật đầy đủ nhiệm vụ",
                Leads::Unit("VPUB"),
                &["STTTT"],
            ),
            m(
                "Công khai hằng quý danh sách đơn vị chậm thực hiện nhiệm vụ được giao",
                "Danh sách được công khai hằng quý",
                Leads::Unit("VPUB"),
                &["SNV"],
            ),
        ],
    },
];

/// Parts of fictional Vietnamese names for demo users.
pub const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý",
];
pub const MIDDLE_NAMES: &[&str] = &[
    "Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Hồng", "Ngọc", "Xuân", "Hữu", "Mai",
];
pub const GIVEN_NAMES: &[&str] = &[
    "Hùng", "Lan", "Hà", "Tuấn", "Hương", "Dũng", "Sơn", "Hải", "Linh", "Nam", "Trang", "Phương",
    "Long", "Thảo", "Cường", "Yến", "Khánh", "Hiền", "Thắng", "Giang",
];

/// Notes officers write when they report progress.
pub const PROGRESS_NOTES: &[&str] = &[
    "Đã tổ chức họp triển khai, phân công cán bộ theo dõi.",
    "Đã rà soát hồ sơ, lập danh sách các trường hợp cần xử lý.",
    "Đang phối hợp với các đơn vị liên quan để thống nhất phương án.",
    "Đã ban hành văn bản chỉ đạo các phòng, ban chuyên môn.",
    "Hoàn thành kiểm tra thực địa, đang tổng hợp báo cáo.",
    "Đã xử lý được một phần, còn một số trường hợp vướng mắc về hồ sơ pháp lý.",
    "Đang chờ ý kiến thẩm định của sở chuyên ngành.",
    "Đã trình UBND Thành phố dự thảo quyết định.",
];

/// What coordinating units contribute.
pub const CONTRIBUTION_NOTES: &[&str] = &[
    "Đã cử cán bộ tham gia tổ công tác liên ngành.",
    "Đã có văn bản góp ý, hướng dẫn chuyên môn gửi đơn vị chủ trì.",
    "Đã cung cấp hồ sơ, số liệu theo đề nghị của đơn vị chủ trì.",
];

/// Questions units raise to the City.
pub const ESCALATION_QUESTIONS: &[&str] = &[
    "Đề nghị UBND Thành phố chỉ đạo cơ chế đặc thù để tháo gỡ vướng mắc về giải phóng mặt bằng.",
    "Đề nghị UBND Thành phố cho ý kiến về việc xử lý các trường hợp vi phạm đã tồn tại trước năm 2010.",
    "Đề nghị UBND Thành phố chỉ đạo các sở thống nhất đầu mối hướng dẫn thủ tục.",
    "Đề nghị UBND Thành phố bố trí bổ sung kinh phí để thực hiện nhiệm vụ.",
];

/// Reasons given when a new deadline is requested.
pub const EXTENSION_REASONS: &[&str] = &[
    "Vướng mắc trong công tác giải phóng mặt bằng, cần thêm thời gian để đối thoại với người dân.",
    "Chờ hướng dẫn của bộ, ngành Trung ương về thủ tục thực hiện.",
    "Khối lượng hồ sơ cần rà soát lớn hơn dự kiến.",
];
