from flask import Blueprint

bp = Blueprint("advisor", __name__)
