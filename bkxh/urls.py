from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView, TemplateView

from bkxh import health
from reports import home, views

# A database that does not answer gets its own 503 page (bkxh/errors.py).
handler500 = "bkxh.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    # The admin's home is the page of each role (reports.home); Django's list of every model stays behind a link.
    path("admin/", admin.site.admin_view(home.home_page), name="home"),
    path("admin/apps/", admin.site.admin_view(admin.site.index), name="admin_apps"),
    path(
        "admin/year/<str:step>/<int:unit_id>/<int:year>/",
        admin.site.admin_view(home.approval_step),
        name="approval_step",
    ),
    path("admin/", admin.site.urls),
    path("reports/", views.report_index, name="report_index"),
    # The short guide to the four daily tasks, linked from every list and import page.
    path("huong-dan/", login_required(TemplateView.as_view(template_name="guide.html")), name="guide"),
    path("reports/<int:year>/", views.annual_report_view, name="annual_report"),
    path("reports/<int:year>/docx/", views.annual_report_docx, name="annual_report_docx"),
    path("reports/<int:year>/xlsx/", views.annual_report_xlsx, name="annual_report_xlsx"),
    path("reports/<int:year>/pdf/", views.annual_report_pdf, name="annual_report_pdf"),
    path("reports/<int:year>/charts/", views.annual_report_charts, name="annual_report_charts"),
    path("reports/<int:year>/issue/", views.report_issue, name="report_issue"),
    path("reports/<int:year>/issued/<int:revision>/", views.issued_report_view, name="issued_report"),
    path("reports/<int:year>/issued/<int:revision>/<str:kind>/", views.issued_file, name="issued_file"),
]
