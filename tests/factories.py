"""factory_boy factories for bulk data. Numbers come from Ofcom's drama ranges (never a real
person's) and are normalised the way the app stores them."""

import factory

from donorcall.donors.models import Address, Donor, EmailAddress, PhoneNumber


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    reference = factory.Sequence(lambda n: f"T{n:07d}")
    title = "Ms"
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    timezone = "Europe/London"


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    donor = factory.SubFactory(DonorFactory)
    number = factory.Sequence(lambda n: f"+447700900{n % 1000:03d}")
    kind = "mobile"
    is_primary = True


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    donor = factory.SubFactory(DonorFactory)
    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    is_primary = True


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    donor = factory.SubFactory(DonorFactory)
    line1 = factory.Sequence(lambda n: f"{n + 1} High Street")
    city = "Leeds"
    postcode = "LS1 1AA"
    country = "GB"
    is_primary = True
