//! Phrases the benchmark's tasks are written from: combined per task by the database, they give
//! tens of thousands of different titles and descriptions in plain administrative Vietnamese,
//! so searching finds what people would type ("thu hồi đất", "trật tự xây dựng").

/// How a title starts when it is not one of the demo's measures.
pub const VERBS: &[&str] = &[
    "Rà soát, phân loại",
    "Kiểm tra, xử lý dứt điểm",
    "Đẩy nhanh tiến độ xử lý",
    "Hoàn thiện hồ sơ pháp lý đối với",
    "Tổ chức thanh tra, kiểm tra",
    "Chấn chỉnh, khắc phục",
    "Tổng hợp, báo cáo kết quả xử lý",
    "Xây dựng phương án giải quyết",
    "Công khai kết quả xử lý",
    "Tăng cường quản lý, giám sát",
];

/// What a title is about, by field of state management (codes of `demo/fields.toml`).
pub const OBJECTS: &[(&str, &[&str])] = &[
    (
        "DD",
        &[
            "các dự án chậm đưa đất vào sử dụng",
            "việc giao đất, cho thuê đất không qua đấu giá",
            "hồ sơ cấp giấy chứng nhận quyền sử dụng đất tồn đọng",
            "các trường hợp lấn chiếm, sử dụng đất sai mục đích",
        ],
    ),
    (
        "TTXD",
        &[
            "các công trình xây dựng sai phép, không phép",
            "vi phạm trật tự xây dựng tại các khu đô thị mới",
            "công trình vi phạm đã có quyết định cưỡng chế",
        ],
    ),
    (
        "QH",
        &[
            "đồ án quy hoạch phân khu chậm phê duyệt",
            "việc điều chỉnh quy hoạch chi tiết cục bộ",
            "công bố, cắm mốc giới quy hoạch",
        ],
    ),
    (
        "MT",
        &[
            "các điểm ô nhiễm môi trường kéo dài",
            "cơ sở sản xuất gây ô nhiễm trong khu dân cư",
            "việc thu gom, xử lý rác thải sinh hoạt",
        ],
    ),
    (
        "GT",
        &[
            "các dự án giao thông chậm tiến độ",
            "điểm ùn tắc giao thông thường xuyên",
            "vi phạm hành lang an toàn giao thông",
        ],
    ),
    (
        "DTC",
        &[
            "các dự án đầu tư công chậm giải ngân",
            "công trình hoàn thành chưa quyết toán",
            "nợ đọng xây dựng cơ bản",
        ],
    ),
    (
        "DN",
        &[
            "doanh nghiệp cổ phần hóa chưa quyết toán vốn nhà nước",
            "việc thoái vốn nhà nước tại doanh nghiệp",
            "đất đai của doanh nghiệp sau cổ phần hóa",
        ],
    ),
    (
        "NS",
        &[
            "nợ đọng thuế, phí và tiền sử dụng đất",
            "các khoản chi sai chế độ phải thu hồi",
            "kiến nghị của Kiểm toán Nhà nước về tài chính",
        ],
    ),
    (
        "NO",
        &[
            "quỹ nhà tái định cư bỏ trống",
            "chung cư cũ xuống cấp nguy hiểm",
            "việc bố trí quỹ đất nhà ở xã hội",
        ],
    ),
    (
        "CCHC",
        &[
            "thủ tục hành chính còn chồng chéo, rườm rà",
            "hồ sơ trễ hạn trên cổng dịch vụ công",
            "việc tiếp nhận, trả kết quả một cửa",
        ],
    ),
    (
        "KNTC",
        &[
            "đơn thư khiếu nại, tố cáo tồn đọng, kéo dài",
            "vụ việc khiếu kiện đông người về đất đai",
            "quyết định giải quyết khiếu nại đã có hiệu lực",
        ],
    ),
    (
        "NN",
        &[
            "vi phạm trên đất nông nghiệp, đất công ích",
            "công trình thủy lợi xuống cấp",
            "việc dồn điền, đổi thửa còn vướng mắc",
        ],
    ),
    (
        "XH",
        &[
            "di tích lịch sử bị lấn chiếm",
            "cơ sở giáo dục ngoài công lập hoạt động không phép",
            "việc chi trả chế độ chính sách xã hội",
        ],
    ),
    (
        "CB",
        &[
            "trách nhiệm của tập thể, cá nhân có sai phạm",
            "việc thực hiện kỷ luật, kỷ cương hành chính",
            "công tác cán bộ theo kết luận kiểm tra",
        ],
    ),
];

/// The first sentence of a description: what the task comes from.
pub const OPENINGS: &[&str] = &[
    "Thực hiện Kế hoạch số 68/KH-UBND của UBND Thành phố.",
    "Theo Kết luận thanh tra số 1203/KL-TTCP của Thanh tra Chính phủ.",
    "Theo Kết luận thanh tra số 1468/KL-TTCP của Thanh tra Chính phủ.",
    "Thực hiện kiến nghị của Kiểm toán Nhà nước khu vực I.",
    "Theo Chỉ thị số 15/CT-UBND của UBND Thành phố.",
    "Theo kết quả giám sát của Thường trực HĐND Thành phố.",
    "Thực hiện ý kiến chỉ đạo của Chủ tịch UBND Thành phố tại cuộc họp giao ban.",
    "Theo kết luận của Đoàn kiểm tra liên ngành.",
];

/// The middle of a description: what is to be done.
pub const METHODS: &[&str] = &[
    "Rà soát toàn bộ hồ sơ, phân loại từng trường hợp và đề xuất phương án xử lý cụ thể.",
    "Tổ chức kiểm tra thực địa, lập biên bản và xử lý dứt điểm các vi phạm.",
    "Phối hợp với các sở, ngành liên quan thống nhất phương án, trình UBND Thành phố xem xét.",
    "Xác định rõ trách nhiệm của tập thể, cá nhân để xử lý theo quy định.",
    "Thu hồi các khoản tiền, tài sản, đất đai theo kết luận, nộp ngân sách nhà nước.",
    "Công khai kết quả xử lý trên cổng thông tin điện tử của đơn vị.",
    "Đối thoại với người dân, doanh nghiệp để tháo gỡ vướng mắc.",
    "Lập danh mục, lộ trình thực hiện và phân công cán bộ theo dõi.",
];

/// The last sentence of a description: how it is reported.
pub const CLOSINGS: &[&str] = &[
    "Báo cáo kết quả về Văn phòng UBND Thành phố hằng quý.",
    "Đơn vị chủ trì chịu trách nhiệm báo cáo kết quả định kỳ.",
    "Kết quả thực hiện là tiêu chí đánh giá, xếp loại thi đua cuối năm.",
    "Báo cáo UBND Thành phố trước ngày 15 của tháng cuối quý.",
];

/// Expected results for titles that are not the demo's measures.
pub const EXPECTED: &[&str] = &[
    "Các vi phạm được xử lý dứt điểm, có báo cáo kết quả",
    "Hồ sơ được hoàn thiện, trình cấp có thẩm quyền phê duyệt",
    "Số tiền, tài sản phải thu hồi được nộp đủ vào ngân sách",
    "Danh sách được công khai, cập nhật hằng quý",
];

/// What a coordinating unit is asked to do.
pub const COORDINATOR_ROLES: &[&str] = &[
    "Phối hợp, hướng dẫn chuyên môn",
    "Cung cấp hồ sơ, số liệu liên quan",
    "Phối hợp kiểm tra, xử lý vi phạm",
    "Thẩm định, cho ý kiến về phương án xử lý",
];

/// The City office's part when it coordinates.
pub const CITY_COORDINATOR_ROLE: &str = "Theo dõi, tổng hợp, báo cáo UBND Thành phố";

/// Messages of formal reminders.
pub const REMINDER_MESSAGES: &[&str] = &[
    "Đề nghị đơn vị khẩn trương hoàn thành nhiệm vụ, báo cáo kết quả về Văn phòng UBND Thành phố.",
    "Nhiệm vụ đã quá hạn, đề nghị thủ trưởng đơn vị trực tiếp chỉ đạo, báo cáo trước ngày làm việc cuối tuần.",
    "Đề nghị đơn vị báo cáo rõ nguyên nhân chậm trễ và thời hạn hoàn thành.",
];

/// Notes of the City's decisions on extension requests.
pub const APPROVAL_NOTE: &str = "Đồng ý điều chỉnh thời hạn theo đề xuất của đơn vị.";
pub const REJECTION_NOTE: &str =
    "Không đồng ý gia hạn; đề nghị đơn vị tập trung hoàn thành đúng thời hạn đã giao.";
