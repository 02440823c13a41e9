"""meeting: the meeting pack — what each page shows, as data (sections: one builder per page,
shared by the pages, the deck, the HTML report and presentation mode), the report's content for
a filter (content), the PowerPoint deck (deck), the offline HTML report (html), downloads made
for people (downloads) and static chart images through Kaleido (images).

A layer above the areas: it composes views, staffing and reports, and core; cli/ and web/ use it.
Nothing below it imports it.
"""
