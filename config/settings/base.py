"""Settings shared by every environment, read from the environment.

With no configuration at all this is the embedded default: SQLite under var/, Celery in
eager mode, a local-memory cache and console mail. DATABASE_URL, CELERY_BROKER_URL and
CACHE_URL switch to PostgreSQL, real Celery workers and Redis. `make run` sets
CELERY_BROKER_URL=filesystem:// (a broker of files under var/broker/) for its worker with
embedded beat, so the periodic jobs run on one machine too.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "axes",
    "guardian",
    "django_htmx",
    "django_celery_beat",
    "audit",
    "accounts",
    "approvals",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "audit.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The gateway account may use the API only: every page answers it with a 403.
    "accounts.auth.pages.GatewayPagesRefused",
    # A service's refusal in a page is a page that says why (config/exceptions.py).
    "config.exceptions.DomainErrorPages",
    # Last, so that it sees the lockout flag set during authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.verification",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # `make run` has the web server and the worker write the one SQLite file: write-ahead
    # logging lets readers go on beside a writer, and IMMEDIATE transactions wait (up to the
    # timeout) for the write lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down: this process's memory answers for a while instead of a 500 (config/cache.py).
    CACHES["default"]["BACKEND"] = "config.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out (email, IP) pair before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Then the hourly bound per account, which refuses only addresses the account never
    # signed in from (accounts/auth/bound.py).
    "accounts.auth.bound.AccountBoundBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Where signing in leads when no page was asked for: each role's own home
# (accounts.adapters.home_for: developers the portal, reviewers the queue, admins the overview).
LOGIN_REDIRECT_URL = "home"
# A refused form (its CSRF token missing or stale) is a page in the product's layout.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
# The product's name in the pages and in every mail (allauth's, the notifications).
SITE_NAME = "Access Review"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Mail: console by default, files when EMAIL_FILE_PATH is set, SMTP when EMAIL_URL is set.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
elif env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Access Review <no-reply@localhost>")

# Celery: a real broker when CELERY_BROKER_URL is set, eager execution otherwise.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = not env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
# A request must never hang on a broker that is down (celery #4296, #4556, #6911).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker `make run` uses (kombu's filesystem transport): messages are files
    # in one folder that the web process writes and the worker reads; no service to run.
    CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    # No remote control (pidbox) on files: processes that bind its fanout exchange at once
    # rewrite one JSON file and the worker dies reading it half-written (kombu #1551).
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chain": {"task": "audit.tasks.verify_audit_chain", "schedule": 3600.0},
    "write-audit-digest": {"task": "audit.tasks.write_audit_digest", "schedule": 900.0},
    "sweep-submitted": {"task": "approvals.sweep_submitted", "schedule": 60.0},
    "release-idle-claims": {"task": "reviews.release_idle_claims", "schedule": 300.0},
    "sla-notifications": {"task": "reviews.notify_sla", "schedule": 600.0},
    "sweep-decision-mail": {"task": "reviews.sweep_decision_mail", "schedule": 300.0},
    "sweep-comment-mail": {"task": "reviews.sweep_comment_mail", "schedule": 300.0},
    "flush-usage": {"task": "approvals.flush_usage", "schedule": 60.0},
    "expire-rotated-keys": {"task": "approvals.expire_rotated_keys", "schedule": 300.0},
    "campaigns-due": {"task": "reviews.campaigns_due", "schedule": 300.0},
    "sweep-grant-mail": {"task": "reviews.sweep_grant_mail", "schedule": 300.0},
    "monitor-usage": {"task": "reviews.monitor_usage", "schedule": 900.0},
    "rescreen-grants": {"task": "reviews.rescreen_grants", "schedule": 600.0},
}
if env.bool("CLASSIFIER_RETRAIN_MONTHLY", default=False):  # a draft on the 1st, 03:00 UTC
    from celery.schedules import crontab

    CELERY_BEAT_SCHEDULE["train-classifier"] = {
        "task": "approvals.train_classifier",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    }
# Admins' schedules (e.g. a quarterly access review) live in the database: run beat with
# django-celery-beat's scheduler, which also keeps the entries above.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Applications: what may be asked for, and how fast each route must be decided.
APPROVALS_MODELS = env.list(
    "APPROVALS_MODELS",
    default=["chat-small", "chat-large", "reasoning-large", "embed-v2", "vision-v1"],
)
APPROVALS_ENDPOINTS = env.list(
    "APPROVALS_ENDPOINTS",
    default=[
        "/v1/chat/completions",
        "/v1/completions",
        "/v1/embeddings",
        "/v1/images/analyze",
        "/v1/batches",
    ],
)
APPROVALS_SLA_HOURS = {
    "standard": env.int("SLA_STANDARD_HOURS", default=72),
    "extra_scrutiny": env.int("SLA_EXTRA_SCRUTINY_HOURS", default=120),
    "policy_escalation": env.int("SLA_POLICY_ESCALATION_HOURS", default=48),
}
# Production keys and the gateway's verify call.
KEYS_PER_GRANT = env.int("KEYS_PER_GRANT", default=5)
GATEWAY_REDIS_URL = env.str(
    "GATEWAY_REDIS_URL",
    default=CACHES["default"]["LOCATION"]
    if "redis" in CACHES["default"]["BACKEND"].lower()
    else "",
)
GATEWAY_AUTH_CACHE_SECONDS = env.int("GATEWAY_AUTH_CACHE_SECONDS", default=10)
GATEWAY_REDIS_RETRY_SECONDS = env.float("GATEWAY_REDIS_RETRY_SECONDS", default=5.0)
# GATEWAY_REDIS_URL names one node of a Redis Cluster: the client finds the others.
GATEWAY_REDIS_CLUSTER = env.bool("GATEWAY_REDIS_CLUSTER", default=False)
# Without Redis each process admits this share of a limit (1/N): set it to the number of
# gateway-facing processes so that together they stay within the limit.
GATEWAY_PROCESSES = env.int("GATEWAY_PROCESSES", default=4)
# Where developers send their calls (the provider's gateway): shown in the key page's quickstart.
GATEWAY_BASE_URL = env.str("GATEWAY_BASE_URL", default="http://127.0.0.1:8080")
GRANT_LIFETIME_DAYS = env.int("GRANT_LIFETIME_DAYS", default=365)
GRANT_TOKEN_BURST = env.int("GRANT_TOKEN_BURST", default=10)  # tokens/min over the monthly average
# Reviews: a claim idle this long is released; reviewers hear of items this close to their SLA.
REVIEW_CLAIM_IDLE_MINUTES = env.int("REVIEW_CLAIM_IDLE_MINUTES", default=60)
REVIEW_SLA_WARNING_HOURS = env.int("REVIEW_SLA_WARNING_HOURS", default=12)
# Access reviews: the usage an item shows covers this many days before a campaign starts;
# reviewers and admins are reminded this many hours before its due date.
CAMPAIGN_USAGE_DAYS = env.int("CAMPAIGN_USAGE_DAYS", default=90)
CAMPAIGN_REMINDER_HOURS = env.int("CAMPAIGN_REMINDER_HOURS", default=48)
# "Reduce to what was used" leaves this much room above the peak seen.
CAMPAIGN_REDUCE_HEADROOM = env.float("CAMPAIGN_REDUCE_HEADROOM", default=1.5)
# "Reduce to what was used" never sets a limit below this share of what is granted.
CAMPAIGN_REDUCE_FLOOR = env.float("CAMPAIGN_REDUCE_FLOOR", default=0.1)
# Monitoring for anomalous use (approvals/keys/anomalies.py, reviews/access/monitoring.py;
# beat entry "monitor-usage"). Each rule has a warning and a severe threshold (severe suspends
# the grant until a reviewer looks; 0 = never severe). Short rules use aligned windows of
# MONITORING_WINDOW_MINUTES, each run re-reading MONITORING_LOOKBACK_MINUTES.
MONITORING_WINDOW_MINUTES = env.int("MONITORING_WINDOW_MINUTES", default=60)
MONITORING_LOOKBACK_MINUTES = env.int("MONITORING_LOOKBACK_MINUTES", default=120)
# (a) This many consecutive minutes at this share of the granted requests or tokens a minute.
MONITORING_SUSTAINED_SHARE = env.float("MONITORING_SUSTAINED_SHARE", default=0.9)
MONITORING_SUSTAINED_MINUTES = env.int("MONITORING_SUSTAINED_MINUTES", default=30)
MONITORING_SUSTAINED_SEVERE_MINUTES = env.int("MONITORING_SUSTAINED_SEVERE_MINUTES", default=0)
# (a) The last 24 hours' tokens x 30 against the monthly volume the application declared.
MONITORING_RUN_RATE_FACTOR = env.float("MONITORING_RUN_RATE_FACTOR", default=3.0)
MONITORING_RUN_RATE_SEVERE_FACTOR = env.float("MONITORING_RUN_RATE_SEVERE_FACTOR", default=0)
# (b) Scope-denied calls in one window.
MONITORING_DENIED_CALLS = env.int("MONITORING_DENIED_CALLS", default=50)
MONITORING_DENIED_SEVERE_CALLS = env.int("MONITORING_DENIED_SEVERE_CALLS", default=500)
# (c) Attempted calls in one day of models or endpoints the application never asked for.
MONITORING_UNREQUESTED_CALLS = env.int("MONITORING_UNREQUESTED_CALLS", default=5)
MONITORING_UNREQUESTED_SEVERE_CALLS = env.int("MONITORING_UNREQUESTED_SEVERE_CALLS", default=100)
# (d) The last 24 hours against the daily average of the 7 days before, floored at a
# minimum volume so that small grants do not flap; needs this many days of history.
MONITORING_GROWTH_FACTOR = env.float("MONITORING_GROWTH_FACTOR", default=5.0)
MONITORING_GROWTH_SEVERE_FACTOR = env.float("MONITORING_GROWTH_SEVERE_FACTOR", default=20.0)
MONITORING_GROWTH_MIN_REQUESTS = env.int("MONITORING_GROWTH_MIN_REQUESTS", default=1000)
MONITORING_GROWTH_MIN_TOKENS = env.int("MONITORING_GROWTH_MIN_TOKENS", default=1_000_000)
MONITORING_GROWTH_MIN_HISTORY_DAYS = env.int("MONITORING_GROWTH_MIN_HISTORY_DAYS", default=3)
# The audit log: the hourly verification walks the whole chain when the last full walk is
# older than this (else only new events); page and API queries stop after this many seconds.
AUDIT_FULL_VERIFICATION_HOURS = env.int("AUDIT_FULL_VERIFICATION_HOURS", default=24)
AUDIT_QUERY_TIME_LIMIT_SECONDS = env.float("AUDIT_QUERY_TIME_LIMIT_SECONDS", default=10.0)
# Its anchors outside the database (docs/operations.md): the secret that keys each event's
# hash (HMAC-SHA256), retired secrets that older events were keyed with, and the directory
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="")
AUDIT_CHAIN_PREVIOUS_KEYS = env.list("AUDIT_CHAIN_PREVIOUS_KEYS", default=[])
AUDIT_DIGEST_DIR = env.str("AUDIT_DIGEST_DIR", default="")
# The transparency report shows counts from 1 to TRANSPARENCY_MIN_CELL - 1 as "<N" (0: none).
TRANSPARENCY_MIN_CELL = env.int("TRANSPARENCY_MIN_CELL", default=5)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# An application still `submitted` this long after its submit is screened by the sweep.
APPROVALS_SWEEP_AFTER_SECONDS = env.int("APPROVALS_SWEEP_AFTER_SECONDS", default=30)

# Trusted proxies in front of the app (0: clients connect directly). The client's address,
# for lockout, throttles and rate limits alike, is the entry the outermost trusted proxy
# appended to X-Forwarded-For (accounts/auth/client.py).
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "config.schema.ApiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token_ip": env.str("THROTTLE_TOKEN_IP", default="30/min"),
        "signup_ip": env.str("THROTTLE_SIGNUP_IP", default="20/hour"),
        "signup_email": env.str("THROTTLE_SIGNUP_EMAIL", default="3/hour"),
    },
}
# Portal API tokens: stored as digests by knox, expiring.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=12)),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "arv_",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Production-access review API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two "decision" fields: an application's and an access-review item's.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationDecisionEnum": "reviews.models.Decision.Kind",
        "GrantReviewDecisionEnum": "reviews.access.grant_reviews.DECISIONS",
        "GrantStatusEnum": "approvals.models.Grant.Status",
    },
}

# Signup and email verification (django-allauth). Verification is mandatory for the pages
# (which is also what lets allauth answer a known address exactly like a new one); the API
# token endpoint signs in unverified developers, and accounts.readiness refuses their
# submissions until the address is verified.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "add_email": "accounts.forms.AddEmailForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "signup": env.str("RATE_SIGNUP", default="20/h/ip"),
    "login": env.str("RATE_LOGIN", default="60/m/ip"),
    "login_failed": env.str("RATE_LOGIN_FAILED", default="30/15m/ip"),
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}

# Lockout (django-axes): per (email, IP) pair, so that an attacker elsewhere cannot lock a
# real user out; the per-IP throttles above bound guessing across many accounts.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.auth.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.auth.lockout.lockout_response"
AXES_VERBOSE = False
# Every failure whose password was checked, for the per-account bound below; attempts a
# lockout refuses check no password, are not recorded and do not extend the lockout.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# OWASP ASVS 2.2.1: at most this many failed sign-ins an hour per account, from anywhere;
# past it only addresses that signed in to the account in the last N days may try.
SIGNIN_ACCOUNT_FAILURES_PER_HOUR = env.int("SIGNIN_ACCOUNT_FAILURES_PER_HOUR", default=100)
SIGNIN_KNOWN_ADDRESS_DAYS = env.int("SIGNIN_KNOWN_ADDRESS_DAYS", default=90)
# axes keeps this many failure rows per account (the newest): never fewer than the bound.
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = max(1000, SIGNIN_ACCOUNT_FAILURES_PER_HOUR)

# django-guardian: no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_USER_OBJ_PERMS_MODEL = "guardian.UserObjectPermission"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): nothing inline but what carries the response's nonce
# ({{ CSP_NONCE }}: the charts' label positions, the API docs' start-up script); no eval, so
# htmx runs with allowEval off and its indicator styles in app.css (base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # Swagger UI's icons are data: URLs in its CSS
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per request comes from audit.middleware.RequestLogMiddleware
    # ("access_review.request"); runserver's own line and django.request's warning for each
    # 4xx would repeat it (a 5xx still logs its traceback at ERROR).
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
    },
}
