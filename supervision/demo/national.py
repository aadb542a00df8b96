"""Supervision's share of the national dataset (`manage.py seed_national`): the
People's Council and the National Assembly delegation of every province that
ever existed and the councils of some districts; ~5,000 × scale sessions
2016–2026 over the units of each body's area, active on the decision date;
their findings and ~50,000 × scale recommendations through the whole lifecycle
(answers, moved dates with reasons, escalations, many overdue today).
Deterministic, written in bulk, with one audit entry saying what was made."""

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from units.audit import audit_bulk
from units.models import Area, AreaLineage, Unit, User
from units.text import fold

from ..choices import (
    SETTLED,
    BodyKind,
    BodyLevel,
    DeadlineChangeStatus,
    EscalationKind,
    FindingKind,
    RecommendationStatus,
    SessionKind,
    SessionStatus,
)
from ..models import (
    DeadlineChange,
    Escalation,
    Finding,
    Recommendation,
    Response,
    Session,
    SupervisoryBody,
)
from ..versions import supervision_changed

S, R, E = SessionStatus, RecommendationStatus, EscalationKind
BATCH = 2000
FIRST = dt.date(2016, 1, 1)
SESSIONS = 5000
FILED = (S.REPORT_FILED, S.CONCLUDED, S.FOLLOW_UP, S.CLOSED)
SUFFIX = {BodyKind.COUNCIL: "HĐND", BodyKind.NA_DELEGATION: "ĐĐBQH"}
PREFIX = {BodyKind.COUNCIL: "Hội đồng nhân dân", BodyKind.NA_DELEGATION: "Đoàn đại biểu Quốc hội"}
TOPICS = [
    "việc sắp xếp, tổ chức lại các đơn vị sự nghiệp công lập",
    "việc thực hiện tinh giản biên chế và cơ cấu lại đội ngũ viên chức",
    "việc thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập",
    "việc quản lý, sử dụng biên chế công chức và số lượng người làm việc",
    "việc sắp xếp các trường học, cơ sở y tế trên địa bàn",
    "việc thực hiện Nghị quyết 19-NQ/TW về đổi mới hệ thống đơn vị sự nghiệp công lập",
]
FINDINGS = {
    FindingKind.ACHIEVEMENT: "Đơn vị đã giảm đầu mối và triển khai kế hoạch đúng lộ trình.",
    FindingKind.SHORTCOMING: "Báo cáo chưa đầy đủ số liệu theo đề cương; việc sắp xếp còn chậm.",
    FindingKind.CAUSE: "Công tác tuyển dụng chưa kịp thời; hướng dẫn của cấp trên còn chậm.",
    FindingKind.RESPONSIBILITY: "Người đứng đầu chịu trách nhiệm khắc phục các tồn tại.",
}
RECS = [
    "Hoàn thiện phương án sắp xếp, tổ chức lại các đơn vị sự nghiệp trực thuộc.",
    "Tuyển dụng, bố trí đủ số người làm việc được giao.",
    "Bổ sung số liệu biên chế, số lượng người làm việc theo đề cương giám sát.",
    "Xây dựng lộ trình tăng mức tự chủ tài chính của các đơn vị.",
    "Báo cáo kết quả thực hiện tinh giản biên chế giai đoạn vừa qua.",
    "Giải quyết dứt điểm chế độ cho người lao động dôi dư sau sắp xếp.",
]
REASONS = [
    "Chờ phương án sắp xếp đơn vị hành chính.",
    "Chờ hướng dẫn của bộ, ngành trung ương.",
    "Khối lượng công việc lớn, cần thêm thời gian rà soát.",
]


def _units_by_area() -> dict[int, list[tuple]]:
    """Units under each area through time: under their area and those above it,
    and under the areas it came from (a commune of 1/7/2025 under the communes,
    districts and province it was made of), by Area parent and lineage links."""
    parent = dict(Area.objects.values_list("pk", "parent_id"))
    came_from = defaultdict(set)
    for pred, succ in AreaLineage.objects.values_list("predecessor_id", "successor_id"):
        came_from[succ].add(pred)
    keys: dict[int, set[int]] = {}

    def keys_of(area_id: int) -> set[int]:
        if area_id not in keys:
            found, todo = set(), [area_id]
            while todo:
                node = todo.pop()
                if node not in found:
                    found.add(node)
                    todo += [n for n in (parent[node], *came_from.get(node, ())) if n]
            keys[area_id] = found
        return keys[area_id]

    by_area = defaultdict(list)
    rows = Unit.objects.order_by("pk").values_list("pk", "area_id", "established_on", "closed_on")
    for pk, area_id, start, end in rows.iterator(chunk_size=BATCH):
        for key in keys_of(area_id):
            by_area[key].append((pk, start, end))
    return by_area


def _bodies(rng, scale, by_area) -> list[SupervisoryBody]:
    """Council and NA delegation of every province, councils of some districts."""
    provinces = Area.objects.filter(level=BodyLevel.PROVINCE).order_by("code", "valid_from")
    districts = [a for a in Area.objects.filter(level=BodyLevel.DISTRICT) if by_area.get(a.pk)]
    districts = rng.sample(districts, min(len(districts), max(3, round(70 * scale))))
    bodies = []
    for area in [*provinces, *sorted(districts, key=lambda a: a.code)]:
        kinds = list(PREFIX)[: 2 if area.level == BodyLevel.PROVINCE else 1]
        when = f" (từ {area.valid_from:%d/%m/%Y})" if area.valid_from else ""
        for kind in kinds:
            name = f"{PREFIX[kind]} {_lower_first(area.name)}{when}"
            bodies.append(SupervisoryBody(name=name, kind=kind, level=area.level, area=area))
    SupervisoryBody.objects.bulk_create(bodies, batch_size=BATCH)
    return bodies


def _session_status(rng, age: int) -> str:
    if age < 45:
        return rng.choice([S.PLANNED, S.PLANNED, S.NOTIFIED])
    if age < 120:
        return rng.choice([S.NOTIFIED, S.IN_PROGRESS, S.IN_PROGRESS, S.REPORT_FILED])
    if age < 240:
        return rng.choice([S.IN_PROGRESS, S.REPORT_FILED, S.CONCLUDED, S.FOLLOW_UP])
    closed = min(0.5, 0.06 * age / 365)
    weights = [0.15 * (1 - closed), 0.25 * (1 - closed), 0.6 * (1 - closed), closed]
    return rng.choices(FILED, weights)[0]


def _rec_status(rng, closed: bool, due: dt.date, today: dt.date) -> str:
    if closed:
        return rng.choices(SETTLED, [6, 3, 1.5])[0]
    weights = [35, 15, 25, 15, 10] if due < today else [75, 20, 5, 0, 0]
    return rng.choices(list(R), weights)[0]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _day_between(rng, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


class Generator:
    def __init__(self, seed: int, scale: float, actor: User):
        self.rng = random.Random(seed * 7919 + 19)
        self.today = timezone.localdate()
        self.scale, self.actor = scale, actor
        self.units = _units_by_area()
        self.created = _bodies(self.rng, scale, self.units)
        self.bodies = [b for b in self.created if self.units.get(b.area_id)]
        self.numbers: dict[tuple[int, int], int] = defaultdict(int)
        self.counts: dict[str, int] = defaultdict(int)

    def sessions(self) -> list[tuple[Session, list[int]]]:
        """Sessions over days 2016–today (a tenth in the last 240 days) and the
        bodies whose area exists that day, visiting units active that day."""
        rng, made = self.rng, []
        recent = self.today - dt.timedelta(days=240)
        wanted = max(1, round(SESSIONS * self.scale))
        for _try in range(wanted * 50 if self.bodies else 0):
            if len(made) >= wanted:
                break
            day = _day_between(rng, recent if rng.random() < 0.1 else FIRST, self.today)
            body = rng.choice(self.bodies)
            if not body.area.is_valid_on(day):
                continue
            pool = self.units[body.area_id]
            units = [
                pk
                for pk, start, end in rng.sample(pool, min(len(pool), 40))
                if start <= day and (end is None or day < end)
            ]
            size = rng.choices([1, 2, 3, 4, 6, 8], [25, 25, 20, 15, 10, 5])[0]
            if units:
                units = sorted(units[:size])
                made.append((self.session(body, day, units), units))
        return made

    def session(self, body: SupervisoryBody, day: dt.date, units: list[int]) -> Session:
        rng = self.rng
        self.numbers[body.pk, day.year] += 1
        number = self.numbers[body.pk, day.year]
        suffix = SUFFIX[body.kind]
        kind = "QĐ" if body.kind == BodyKind.COUNCIL else "KH"
        topic = rng.choice(TOPICS)
        topic = f"{topic[0].upper()}{topic[1:]} tại {_lower_first(body.area.name)}"
        start = rng.randint(max(2010, day.year - 5), day.year)
        status = _session_status(rng, (self.today - day).days)
        session = Session(
            body=body,
            decision_number=f"{number:02d}/{day.year}/{kind}-{suffix}",
            decision_date=day,
            topic=topic,
            topic_folded=fold(topic),
            kind=rng.choices(list(SessionKind), [70, 20, 10])[0],
            period_from=start,
            period_to=max(start, day.year - rng.randint(0, 1)),
            status=status,
        )
        if status in FILED:
            report = min(self.today, day + dt.timedelta(days=rng.randint(20, 90)))
            session.report_number = f"{number:02d}/BC-{suffix}"
            session.report_date = report
            session.report_place = body.area.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
            session.general_info = f"Đoàn giám sát làm việc với {len(units)} đơn vị."
            if rng.random() < 0.5:
                published = _day_between(rng, report, report + dt.timedelta(days=20))
                published = dt.datetime.combine(min(published, self.today), dt.time(9))
                session.published_at = timezone.make_aware(published)
        return session

    def children(self, session: Session, units: list[int]) -> tuple[list, list]:
        """The findings and recommendations of a filed report."""
        if session.status not in FILED:
            return [], []
        rng = self.rng
        kinds = rng.sample(list(FINDINGS), rng.randint(1, 3))
        findings = [
            Finding(session=session, kind=k, text=FINDINGS[k], position=i, unit_id=unit)
            for i, (k, unit) in enumerate((k, rng.choice([None, *units])) for k in kinds)
        ]
        recs = []
        for i in range(rng.randint(5, 16)):
            due = session.report_date + dt.timedelta(days=rng.choice([30, 45, 60, 90, 180, 365]))
            rec = Recommendation(
                session=session,
                addressed_unit_id=rng.choice(units),
                text=rng.choice(RECS),
                original_due=due,
                current_due=due,
                priority=rng.random() < 0.15,
                position=i,
            )
            if rng.random() < 0.08:
                rec.current_due = due + dt.timedelta(days=rng.choice([30, 60, 90, 180]))
            rec.status = _rec_status(rng, session.status == S.CLOSED, rec.current_due, self.today)
            if rec.status in SETTLED:
                high = min(self.today, rec.current_due + dt.timedelta(days=120))
                rec.settled_on = _day_between(rng, session.report_date, high)
            recs.append(rec)
        return findings, recs

    def follow_up(self, recs: list[Recommendation]) -> tuple[list, list, list]:
        """The moved dates, answers and escalations of written recommendations."""
        rng, actor, today = self.rng, self.actor, self.today
        changes, responses, escalations = [], [], []
        for rec in recs:
            report = rec.session.report_date
            if rec.was_moved:
                changes.append(self.change(rec, rec.original_due, rec.current_due, decided=True))
            elif rec.status == R.OPEN and rng.random() < 0.04:
                new_due = rec.current_due + dt.timedelta(days=rng.randint(30, 120))
                changes.append(self.change(rec, rec.current_due, new_due, decided=False))
            answered = rec.status == R.RESPONDED or (rec.settled_on and rng.random() < 0.7)
            if answered:
                day = _day_between(rng, report, rec.settled_on or today)
                text = "Đơn vị báo cáo kết quả thực hiện kiến nghị và các khó khăn còn lại."
                responses.append(Response(recommendation=rec, date=day, text=text, author=actor))
            late = rec.current_due < (rec.settled_on or today)
            if late and rec.status in (R.OPEN, R.NOT_IMPLEMENTED) and rng.random() < 0.3:
                steps = [E.REMINDER, rng.choice([E.FURTHER_REMINDER, E.REFERRAL, E.QUESTIONING])]
                day, limit = rec.current_due, rec.settled_on or today
                for kind in steps[: rng.randint(1, 2)]:
                    day = min(day + dt.timedelta(days=rng.randint(7, 45)), limit)
                    escalations.append(
                        Escalation(recommendation=rec, kind=kind, date=day, actor=actor)
                    )
        return changes, responses, escalations

    def change(self, rec, old: dt.date, new: dt.date, *, decided: bool) -> DeadlineChange:
        status = DeadlineChangeStatus.ACCEPTED if decided else DeadlineChangeStatus.PROPOSED
        return DeadlineChange(
            recommendation=rec,
            old_due=old,
            new_due=new,
            reason=self.rng.choice(REASONS),
            status=status,
            proposed_by=self.actor,
            decided_by=self.actor if decided else None,
            decided_at=timezone.now() if decided else None,
        )

    def write(self, model, rows: list) -> None:
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model._meta.model_name] += len(rows)


@transaction.atomic
def seed(*, seed: int, scale: float, actor: User, out=print) -> dict[str, int]:
    """Add supervision to a national dataset (its units and areas written)."""
    gen = Generator(seed, scale, actor)
    gen.counts["supervisorybody"] = len(gen.created)
    made = gen.sessions()
    gen.write(Session, [session for session, _units in made])
    through = Session.supervised_units.through
    gen.write(through, [through(session_id=s.pk, unit_id=u) for s, units in made for u in units])
    parts = [gen.children(session, units) for session, units in made]
    gen.write(Finding, [finding for part in parts for finding in part[0]])
    recs = [rec for part in parts for rec in part[1]]
    gen.write(Recommendation, recs)
    follow = zip((DeadlineChange, Response, Escalation), gen.follow_up(recs), strict=True)
    for model, rows in follow:
        gen.write(model, rows)
    counts = dict(gen.counts)
    counts["overdue"] = sum(1 for r in recs if r.status == R.OPEN and r.current_due < gen.today)
    counts["published"] = sum(1 for s, _u in made if s.published_at)
    audit_bulk(
        actor=actor,
        action="supervision.seed_national",
        object_type="supervision.session",
        label=f"Dữ liệu giám sát mẫu toàn quốc (seed {seed}, scale {scale:g})",
        after=counts,
    )
    supervision_changed()
    out(f"supervision {counts}")
    return counts
