from gonghui.core.formats.common import *  # noqa: F403
