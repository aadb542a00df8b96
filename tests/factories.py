import datetime as dt

import factory
from django.contrib.auth.models import Group

from units.choices import AreaLevel, ManagementLevel, Sector, UnitKind
from units.models import Area, Unit, User


class AreaFactory(factory.django.DjangoModelFactory):
    """Generated codes start with a letter, as no official code does: a test that
    names an official code ("01", "304") never meets a generated one, whatever
    the sequence has reached in its xdist worker."""

    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"T{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    level = AreaLevel.PROVINCE


class DistrictFactory(AreaFactory):
    code = factory.Sequence(lambda n: f"D{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Quận Thử {n}")
    level = AreaLevel.DISTRICT
    parent = factory.SubFactory(AreaFactory)


class CommuneFactory(AreaFactory):
    code = factory.Sequence(lambda n: f"X{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    level = AreaLevel.COMMUNE
    parent = factory.SubFactory(DistrictFactory)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    kind = UnitKind.AGENCY
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân thử {n}")
    code = factory.Sequence(lambda n: f"A{n:07d}")
    area = factory.SubFactory(DistrictFactory)
    level = ManagementLevel.DISTRICT
    established_on = dt.date(2000, 1, 1)


class ServiceUnitFactory(AgencyFactory):
    kind = UnitKind.SERVICE
    name = factory.Sequence(lambda n: f"Trường Mầm non Thử {n}")
    code = factory.Sequence(lambda n: f"S{n:07d}")
    sector = Sector.EDUCATION
    autonomy_group = 4


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            # get_or_create: a transactional test before this one may have
            # flushed the roles its migration made.
            self.groups.add(Group.objects.get_or_create(name=name)[0])
