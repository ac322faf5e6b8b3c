# 控制台的中文文案。这里的每个键在 en.ftl 中也有（有测试检查）。

site-name = 电子商务企业信用库
skip-to-content = 跳到正文
nav-label = 主导航
nav-search = 企业查询
nav-redlist = 守信激励名单
nav-blacklist = 严重失信名单
nav-verify = 报告验真
nav-keys = 签名公钥
nav-sign-in = 登录
nav-sign-out = 退出
nav-workspace = 工作台
footer-note = 信用信息仅供参考。单个企业的经营数据保密，只公布汇总统计。
footer-api = REST API 文档
breadcrumbs = 当前位置

home-title = 查询电子商务企业信用
home-lead = 本库收录本地区电子商务企业的基本、经营、信用和舆情信息，按“三等九级”评定信用等级，出具带签名的信用报告，并公示严重失信名单和守信激励名单。
home-more = 更多
home-redlist = 信用记录优良的企业。
home-blacklist = 因严重失信被列入名单的企业。
home-verify = 核验已保存的信用报告是否真实、未被篡改。
home-sign-in = 监管部门、银行和企业用户请登录工作台。
home-workspace = 进入您的工作台。
home-about-title = 关于信用等级
home-about = 每家企业按企业资质、经营行为、信用历史、履约能力、关联关系和舆情六个维度评分，评定 AAA 至 C 九个等级之一。列入严重失信名单的企业评为 C 级。

search-label = 企业名称或统一社会信用代码
search-placeholder = 例如：杭州 或 9133…
search-button = 查询
search-title = 企业查询
search-count = 共找到 { $count } 家企业
search-none = 没有匹配的企业。请输入名称的一部分，或信用代码的前几位。

pager-label = 分页
pager-previous = 上一页
pager-next = 下一页
pager-position = 第 { $page } 页，共 { $pages } 页

field-name = 企业名称
field-code = 统一社会信用代码
field-region = 行政区划代码
field-industry = 行业
field-status = 登记状态
field-legal-rep = 法定代表人
field-capital = 注册资本
field-established = 成立日期
field-business-models = 经营模式

profile-grade = 信用等级
profile-as-of = 评定日期：{ $date }
profile-score = 评分 { $score }，高于 { $percentile } 的企业
profile-not-scored = 尚未评级
profile-basic = 基本信息
profile-public-note = 公众只能看到公开信息。
profile-lists = 失信与守信名单
profile-no-lists = 未列入严重失信名单或守信激励名单。
profile-events = 公开信用事件
profile-no-events = 没有公开的信用事件。
profile-report = 信用报告
profile-report-note = 生成该企业带签名的公开版信用报告。可保存报告，日后核验。
profile-report-button = 生成公开版报告

event-date = 日期
event-kind = 类别
event-title = 事件
event-authority = 决定机关
event-severity = 严重程度

list-count = 共 { $count } 条
list-none = 没有匹配的名单条目。
list-search-label = 企业名称或信用代码
list-reason = 列入事由
list-basis = 法律依据
list-authority = 决定机关
list-starts = 列入日期
list-expires = 届满日期
list-no-expiry = 无期限
list-since = 自 { $date }
list-until = 至 { $date }
list-blacklist = 严重失信名单
list-redlist = 守信激励名单
list-about-blacklist = 因严重失信被列入名单的企业，附列入事由、法律依据和决定机关。期满或经信用修复后移出。
list-about-redlist = 信用记录优良、受守信激励的企业，附列入事由和决定机关。

verify-title = 报告验真
verify-lead = 粘贴或上传已保存的信用报告（JSON 文件）。系统用已公布的公钥核验其签名。
verify-paste = 报告 JSON
verify-paste-hint = 请粘贴完整文件，保持保存时的原样。
verify-upload = 或上传文件
verify-button = 核验
verify-again = 核验另一份报告
verify-empty = 请粘贴报告或选择文件。
verify-valid = 真实有效：报告未被篡改，由本系统签发。
verify-valid-note = 签名不说明报告是否仍在有效期内，请查看报告中的日期。
verify-invalid = 核验未通过
verify-report-no = 报告编号
verify-key = 签名公钥
verify-failure-not-a-report = 这不是本系统的信用报告。
verify-failure-not-canonical = 文件不是签名时的格式，内容已被改动。
verify-failure-unsupported-algorithm = 报告使用了本系统不支持的签名算法。
verify-failure-unknown-key = 报告所用的公钥从未由本系统公布。
verify-failure-bad-signature = 签名与内容不符，报告已被篡改。

keys-title = 已公布的签名公钥
keys-lead = 报告使用 Ed25519 签名。现公布 { $count } 把公钥：当前公钥签发新报告，旧公钥用于核验以前的报告。
keys-id = 公钥编号
keys-algorithm = 算法
keys-public = 公钥（base64）
keys-created = 生成日期
keys-state = 状态
keys-active = 当前使用
keys-retired = 用于核验旧报告
keys-json = 以 JSON 格式查看

signin-title = 登录
signin-lead = 供监管部门、银行、企业和管理员使用。
signin-username = 用户名
signin-password = 密码
signin-button = 登录
signin-required = 必填。
signin-wrong = 用户名或密码错误。
signin-throttled = 尝试次数过多，请 { $seconds } 秒后再试。
signin-demo-hint = 体验演示？运行 `ecredit serve --demo` 时会一次性打印演示账号及密码。

workspace-title = 我的工作台
workspace-user = 当前用户
workspace-role = 角色
workspace-organisation = 所属机构
workspace-enterprise = 所属企业
workspace-more-soon = 更多工作台功能即将上线。
workspace-role-about-admin = 作为管理员，您管理账号、角色和密钥，并可查看未脱敏的个人信息。
workspace-role-about-regulator = 作为监管部门，您可查询所有企业、记录信用事件、维护名单并答复异议。
workspace-role-about-bank = 作为银行，您可调取已授权企业的完整报告，并关注企业信用变化。
workspace-role-about-enterprise = 作为企业，您可查看本企业的完整信用记录、维护数据，并向银行授权查询报告。

form-error-prefix = 错误：
form-has-errors = 请更正以下内容：

error-back-home = 返回首页
error-bad-request = 请求格式有误
error-bad-request-detail = 无法理解提交的内容。
error-validation = 请检查输入
error-validation-detail = 部分输入内容无效。
error-unauthorized = 请先登录
error-unauthorized-detail = 此页面仅供已登录用户使用。
error-forbidden = 无权访问
error-forbidden-detail = 您无权查看或执行此操作。
error-not-found = 页面不存在
error-not-found-detail = 此地址没有内容。
error-method-not-allowed = 不支持的操作
error-method-not-allowed-detail = 此页面不支持该操作。
error-conflict = 冲突
error-conflict-detail = 记录已变更或已存在。
error-precondition-failed = 记录已被修改
error-precondition-failed-detail = 在您打开后，记录已被他人修改。请刷新后重试。
error-precondition-required = 需要版本号
error-precondition-required-detail = 修改前请先刷新记录。
error-payload-too-large = 内容过大
error-payload-too-large-detail = 提交的内容超过允许的大小。
error-unsupported-media-type = 格式不支持
error-unsupported-media-type-detail = 表单的提交格式不被此页面接受。
error-unavailable = 暂时无法使用
error-unavailable-detail = 服务暂时无法响应，请几秒后重试。
error-too-many-requests = 请求过于频繁
error-too-many-requests-detail = 请等待 { $seconds } 秒后再试。
error-internal = 出现错误
error-internal-detail = 请求未能完成，已记录日志。

role-admin = 管理员
role-regulator = 监管部门
role-bank = 银行
role-enterprise = 企业

status-active = 存续
status-abnormal = 经营异常
status-deregistered = 注销

grade-meaning-AAA = AAA：信用极好
grade-meaning-AA = AA：信用很好
grade-meaning-A = A：信用较好
grade-meaning-BBB = BBB：信用一般
grade-meaning-BB = BB：信用欠佳
grade-meaning-B = B：信用较差
grade-meaning-CCC = CCC：信用差
grade-meaning-CC = CC：信用很差
grade-meaning-C = C：严重失信

entry-state-proposed = 拟列入
entry-state-current = 公示中
entry-state-expired = 已届满
entry-state-upcoming = 待生效
entry-state-rejected = 未列入
entry-state-removed = 已移出

model-b2b = B2B
model-b2c = B2C
model-c2c = C2C
model-cross_border = 跨境电商
model-live_streaming = 直播电商
model-social = 社交电商
model-rural = 农村电商
model-o2o = O2O
model-other = 其他

dimension-qualification = 企业资质
dimension-operating_behaviour = 经营行为
dimension-credit_history = 信用历史
dimension-fulfilment = 履约能力
dimension-associations = 关联关系
dimension-sentiment = 舆情

event-kind-administrative_penalty = 行政处罚
event-kind-dishonest_judgment_debtor = 失信被执行人
event-kind-tax_violation = 税务违法
event-kind-customs_violation = 海关违规
event-kind-abnormal_operation = 列入经营异常名录
event-kind-quality_check_failed = 质量抽检不合格
event-kind-broken_commitment = 违背信用承诺
event-kind-other_negative = 其他失信信息
event-kind-honour = 荣誉表彰
event-kind-demonstration_enterprise = 示范企业
event-kind-commitment_kept = 履行信用承诺
event-kind-other_positive = 其他守信信息

severity-minor = 轻微
severity-major = 较重
severity-serious = 严重

industry-retail = 零售
industry-apparel = 服装
industry-food = 食品
industry-agricultural_products = 农产品
industry-consumer_electronics = 消费电子
industry-cosmetics = 化妆品
industry-home_furnishings = 家居
industry-maternal_and_infant_products = 母婴用品
industry-wholesale = 批发
industry-e-commerce_services = 电子商务服务
profile-code = 统一社会信用代码：
profile-events-all = 信用事件
