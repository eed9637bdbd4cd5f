from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def assessment_list(request):
    assessments = request.user.assessments.all()
    return render(request, "assessments/list.html", {"assessments": assessments})
