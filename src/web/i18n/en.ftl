# The console's English messages. Every key here is also in zh-CN.ftl (a test checks).

site-name = ecredit
skip-to-content = Skip to the content
nav-label = Main
nav-search = Enterprises
nav-redlist = Redlist
nav-blacklist = Blacklist
nav-verify = Verify a report
nav-keys = Signing keys
nav-sign-in = Sign in
nav-sign-out = Sign out
nav-workspace = Workspace
footer-note = Credit information is for reference only. Individual operating figures are confidential; only aggregates are published.
footer-api = REST API documentation
breadcrumbs = You are here

home-title = Look up an e-commerce enterprise's credit
home-lead = ecredit is the regional registry of e-commerce enterprises: basic, operating, credit and sentiment information, a nine-grade credit rating, signed credit reports, and the blacklist and redlist.
home-more = More
home-redlist = Enterprises with an outstanding credit record (守信激励名单).
home-blacklist = Enterprises listed for serious dishonesty (严重失信名单).
home-verify = Check that a saved credit report is genuine and unaltered.
home-sign-in = Regulators, banks and enterprises: sign in to your workspace.
home-workspace = Go to your workspace.
home-about-title = About the grades
home-about = Every enterprise is rated on six dimensions — qualification, operating behaviour, credit history, fulfilment capability, associations and public sentiment — and given one of nine grades from AAA to C. A blacklisted enterprise is graded C.

search-label = Enterprise name or unified social credit code
search-placeholder = e.g. 杭州 or 9133…
search-button = Search
search-title = Enterprises
search-count = { $count } enterprises found
search-none = No enterprise matches. Try part of the name, or the first characters of the credit code.

pager-label = Pages
pager-previous = Previous
pager-next = Next
pager-position = Page { $page } of { $pages }

field-name = Name
field-code = Unified social credit code
field-region = Region code
field-industry = Industry
field-status = Status
field-legal-rep = Legal representative
field-capital = Registered capital
field-established = Established
field-business-models = Business models

profile-grade = Credit grade
profile-as-of = as of { $date }
profile-score = Score { $score } · higher than { $percentile } of enterprises
profile-not-scored = Not rated yet
profile-basic = Basic information
profile-public-note = The public sees the public fields only.
profile-lists = Blacklist and redlist
profile-no-lists = Not on the blacklist or the redlist.
profile-events = Public credit events
profile-no-events = No public credit events.
profile-report = Credit report
profile-report-note = Create a signed public credit report of this enterprise. You can save it and verify it later.
profile-report-button = Create the public report

event-date = Date
event-kind = Kind
event-title = Event
event-authority = Authority
event-severity = Severity

list-count = { $count } entries
list-none = No entry matches.
list-search-label = Enterprise name or credit code
list-reason = Reason
list-basis = Legal basis
list-authority = Authority
list-starts = Listed on
list-expires = Expires
list-no-expiry = No expiry
list-since = since { $date }
list-until = until { $date }
list-blacklist = Blacklist
list-redlist = Redlist
list-about-blacklist = Enterprises listed for serious dishonesty (严重失信名单), with the reason, the legal basis and the authority that decided. An entry ends on expiry or by credit repair.
list-about-redlist = Enterprises with an outstanding credit record (守信激励名单), with the reason and the authority that decided.

verify-title = Verify a report
verify-lead = Paste a saved credit report (the JSON file) or upload it. ecredit checks its signature against the published keys, offline from your copy.
verify-paste = The report's JSON
verify-paste-hint = Paste the whole file, exactly as saved.
verify-upload = Or upload the file
verify-button = Verify
verify-again = Verify another report
verify-empty = Paste a report or choose a file.
verify-valid = Genuine: the report is unaltered and signed by ecredit.
verify-valid-note = The signature says nothing of the report's validity date: check the dates in it.
verify-invalid = Not valid
verify-report-no = Report number
verify-key = Signing key
verify-failure-not-a-report = This is not a credit report of ecredit.
verify-failure-not-canonical = The file is not in the form it was signed in: something was changed.
verify-failure-unsupported-algorithm = The report names a signature algorithm ecredit does not use.
verify-failure-unknown-key = The report names a key that ecredit never published.
verify-failure-bad-signature = The signature does not match the content: the report was altered.

keys-title = Published signing keys
keys-lead = Reports are signed with Ed25519. { $count } key(s) are published: the active one signs new reports, earlier ones verify older reports.
keys-id = Key id
keys-algorithm = Algorithm
keys-public = Public key (base64)
keys-created = Created
keys-state = State
keys-active = Active
keys-retired = Verifies older reports
keys-json = The keys as JSON

signin-title = Sign in
signin-lead = For regulators, banks, enterprises and administrators.
signin-username = Username
signin-password = Password
signin-button = Sign in
signin-required = Required.
signin-wrong = Wrong username or password.
signin-throttled = Too many attempts. Try again in { $seconds } seconds.
signin-demo-hint = Trying the demo? `ecredit serve --demo` prints the demo accounts and their passwords once.

workspace-title = Your workspace
workspace-user = Signed in as
workspace-role = Role
workspace-organisation = Organisation
workspace-enterprise = Enterprise
workspace-more-soon = More of your workspace is on its way.
workspace-role-about-admin = As an administrator you manage accounts, roles and keys, and see personal data unmasked.
workspace-role-about-regulator = As a regulator you query every enterprise, record credit events, keep the lists and answer objections.
workspace-role-about-bank = As a bank you pull the full report of an enterprise that has authorised you, and watch your portfolio.
workspace-role-about-enterprise = As an enterprise you see your own full record, maintain your data and grant report authorisations to banks.

form-error-prefix = Error:
form-has-errors = Please correct the following:

error-back-home = Back to the home page
error-bad-request = The request is malformed
error-bad-request-detail = The page could not understand what was sent.
error-validation = Please check your input
error-validation-detail = Some of what was entered is not valid.
error-unauthorized = Sign in first
error-unauthorized-detail = This page is for signed-in users.
error-forbidden = Not allowed
error-forbidden-detail = You may not see or do this.
error-not-found = Page not found
error-not-found-detail = There is nothing at this address.
error-method-not-allowed = Not supported
error-method-not-allowed-detail = This page does not support that action.
error-conflict = Conflict
error-conflict-detail = The record has changed or already exists.
error-precondition-failed = Changed meanwhile
error-precondition-failed-detail = Someone changed the record after you opened it. Reload it and try again.
error-precondition-required = Version needed
error-precondition-required-detail = Reload the record before you change it.
error-payload-too-large = Too large
error-payload-too-large-detail = What was sent is larger than allowed.
error-unsupported-media-type = Unsupported format
error-unsupported-media-type-detail = The form was sent in a format this page does not accept.
error-unavailable = Temporarily unavailable
error-unavailable-detail = The service cannot answer right now. Try again in a few seconds.
error-too-many-requests = Too many requests
error-too-many-requests-detail = Please wait { $seconds } seconds before trying again.
error-internal = Something went wrong
error-internal-detail = The request could not be completed. It has been logged.

role-admin = Administrator
role-regulator = Regulator
role-bank = Bank
role-enterprise = Enterprise

status-active = Active
status-abnormal = Abnormal operation
status-deregistered = Deregistered

grade-meaning-AAA = AAA: extremely strong credit
grade-meaning-AA = AA: very strong credit
grade-meaning-A = A: strong credit
grade-meaning-BBB = BBB: good credit
grade-meaning-BB = BB: fair credit
grade-meaning-B = B: weak credit
grade-meaning-CCC = CCC: poor credit
grade-meaning-CC = CC: very poor credit
grade-meaning-C = C: dishonest or failing

entry-state-proposed = Proposed
entry-state-current = Current
entry-state-expired = Expired
entry-state-upcoming = Upcoming
entry-state-rejected = Rejected
entry-state-removed = Removed

model-b2b = B2B
model-b2c = B2C
model-c2c = C2C
model-cross_border = Cross-border
model-live_streaming = Live-streaming
model-social = Social commerce
model-rural = Rural e-commerce
model-o2o = O2O
model-other = Other

dimension-qualification = Qualification
dimension-operating_behaviour = Operating behaviour
dimension-credit_history = Credit history
dimension-fulfilment = Fulfilment capability
dimension-associations = Associations
dimension-sentiment = Public sentiment

event-kind-administrative_penalty = Administrative penalty
event-kind-dishonest_judgment_debtor = Dishonest judgment debtor
event-kind-tax_violation = Tax violation
event-kind-customs_violation = Customs violation
event-kind-abnormal_operation = Abnormal-operation listing
event-kind-quality_check_failed = Failed quality check
event-kind-broken_commitment = Broken commitment
event-kind-other_negative = Other negative
event-kind-honour = Honour
event-kind-demonstration_enterprise = Demonstration enterprise
event-kind-commitment_kept = Commitment kept
event-kind-other_positive = Other positive

severity-minor = Minor
severity-major = Major
severity-serious = Serious

industry-retail = Retail
industry-apparel = Apparel
industry-food = Food
industry-agricultural_products = Agricultural products
industry-consumer_electronics = Consumer electronics
industry-cosmetics = Cosmetics
industry-home_furnishings = Home furnishings
industry-maternal_and_infant_products = Maternal and infant products
industry-wholesale = Wholesale
industry-e-commerce_services = E-commerce services
profile-code = Unified social credit code:
profile-events-all = Credit events
