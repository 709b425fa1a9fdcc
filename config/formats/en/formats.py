# English formats for this product: the Vietnamese ones (dates stay dd/mm/yyyy, as every
# Vietnamese document writes them), with English number separators.
from config.formats.vi.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
