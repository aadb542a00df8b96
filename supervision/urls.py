from django.urls import path

from .views import followup, plans, public, recommendations, report, sessions

app_name = "supervision"

urlpatterns = [
    path("supervision/", sessions.session_list_view, name="session_list"),
    path("supervision/new/", sessions.session_new, name="session_new"),
    path("supervision/units/pick/", sessions.unit_pick, name="unit_pick"),
    path("supervision/<int:pk>/", sessions.session_detail_view, name="session_detail"),
    path("supervision/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path(
        "supervision/<int:pk>/status/", sessions.session_transition_view, name="session_transition"
    ),
    path("supervision/<int:pk>/working/", sessions.working_add, name="working_add"),
    path(
        "supervision/<int:pk>/working/<int:working_pk>/remove/",
        sessions.working_remove,
        name="working_remove",
    ),
    path("supervision/<int:pk>/publish/", sessions.session_publish_view, name="session_publish"),
    path("supervision/<int:pk>/report/", report.report_edit, name="report_edit"),
    path("supervision/<int:pk>/report/print/", report.report_print, name="report_print"),
    path("supervision/<int:pk>/report.docx", report.report_download, name="report_docx"),
    path("recommendations/", followup.followup, name="followup"),
    path("recommendations/overdue/", followup.overdue, name="overdue"),
    path("recommendations/summary/", followup.followup_summary, name="followup_summary"),
    path("recommendations/ours/", followup.ours, name="ours"),
    path(
        "recommendations/<slug:which>.csv",
        followup.export,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "recommendations/<slug:which>.xlsx",
        followup.export,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path(
        "recommendations/<int:pk>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/<slug:action>/",
        recommendations.recommendation_act,
        name="recommendation_act",
    ),
    path(
        "recommendations/<int:pk>/dates/<int:change_pk>/",
        recommendations.deadline_decide,
        name="deadline_decide",
    ),
    path(
        "recommendations/<int:pk>/responses/<int:response_pk>/file/",
        recommendations.response_file,
        name="response_file",
    ),
    path("notifications/", followup.notifications, name="notifications"),
    path("notifications/bell/", followup.bell, name="bell"),
    path("notifications/read/", followup.notifications_mark_read, name="notifications_read"),
    path("plans/", plans.plans, name="plans"),
    path("plans/new/", plans.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("public/", public.public_sessions, name="public"),
    path("public/<int:pk>/", public.public_session, name="public_session"),
]
