"""Views of the portal: ``public`` (anyone), ``space`` (company representatives), ``agendas``
(a company's and a partner's agendas, their PDFs, the private calendar feeds).
"""
