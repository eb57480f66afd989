"""The JSON API at /api/v1/: every app's router, one error shape, OpenAPI at /api/v1/openapi.json."""

from precinct.accounts.api import router as accounts_router
from precinct.cameras.api import router as cameras_router
from precinct.core.api import router as core_router
from precinct.core.api_support import install_error_handlers
from precinct.core.openapi import PrecinctAPI
from precinct.eservices.api import router as eservices_router
from precinct.incidents.api import router as incidents_router
from precinct.notifications.api import router as notifications_router
from precinct.organisation.api import router as organisation_router
from precinct.payments.api import router as payments_router
from precinct.personnel.api import router as personnel_router
from precinct.planning.api import router as planning_router
from precinct.portalsync.api import router as portalsync_router
from precinct.residence.api import router as residence_router
from precinct.results.api import router as results_router
from precinct.stats.api import router as stats_router
from precinct.tips.api import router as tips_router

api = PrecinctAPI(
    title="Precinct API",
    version="1",
    description="Public services, reporting and the back office of a provincial police force.",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/", organisation_router)
api.add_router("/", core_router)
api.add_router("/", eservices_router)
api.add_router("/", payments_router)
api.add_router("/", portalsync_router)
api.add_router("/", tips_router)
api.add_router("/", results_router)
api.add_router("/", stats_router)
api.add_router("/", planning_router)
api.add_router("/", cameras_router)
api.add_router("/", incidents_router)
api.add_router("/", residence_router)
api.add_router("/", personnel_router)
api.add_router("/", notifications_router)
