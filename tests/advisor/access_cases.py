from tests.access_matrix import ADVISER, RouteCase

CASES = [
    RouteCase(
        "advisor.enterprises",
        "GET",
        lambda w: ("/advisor/enterprises?q=nord", {}),
        ADVISER,
        ok_statuses=frozenset({200}),
    ),
]
